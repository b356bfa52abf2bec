import { mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { get, runCli, serveCli, tempDir, writeFiles } from './helpers.js'

// A running `syncweb serve` must see its config file whatever way it comes to be: on a fresh
// machine the first `syncweb follow` creates ~/.config/syncweb/ (and perhaps ~/.config) after
// the gateway started. Each case runs the real CLI with a HOME that does not exist yet.

/** A temp root with two friends' folders; HOME and the config location inside, not created. */
async function machine() {
  const root = await tempDir('syncweb-fresh-')
  await writeFiles(root, { 'fr1/hello.txt': 'one', 'fr2/hello.txt': 'two' })
  return { root, env: { HOME: join(root, 'home') } as Record<string, string> }
}

/** Waits until /@NAME/hello.txt is served; returns how long it took since `since`. */
async function served(port: number, name: string, since: number): Promise<number> {
  await vi.waitFor(async () => expect((await get(port, `/@${name}/hello.txt`)).status).toBe(200), {
    timeout: 15_000,
    interval: 50,
  })
  const took = Date.now() - since
  console.log(`@${name} served ${took} ms after the config changed`)
  return took
}

// Within a second on an idle machine; the bound leaves room for a busy one (2 cores, other
// suites) while still failing a watcher that never fires or falls back to slow polling.
const PROMPT_MS = 3000

describe('config file appearing after serve started', () => {
  it('first follow on a fresh machine (no ~/.config) switches from the demo, then a second follow', async () => {
    const { root, env } = await machine()
    const server = await serveCli([], env)
    await vi.waitFor(() => expect(server.output().stderr).toContain('serving the demo spaces'))
    expect((await get(server.port, '/@alice/')).status).not.toBe(404)

    let started = Date.now()
    expect((await runCli(['follow', 'fr1', join(root, 'fr1')], env)).code).toBe(0)
    expect(await served(server.port, 'fr1', started)).toBeLessThan(PROMPT_MS)
    await vi.waitFor(() =>
      expect(server.output().stderr).toMatch(
        /Config appeared at .*config\.json: serving its 1 space instead of the demo spaces \(@fr1\)/,
      ),
    )
    expect((await get(server.port, '/@alice/')).status).toBe(404)

    started = Date.now()
    expect((await runCli(['follow', 'fr2', join(root, 'fr2')], env)).code).toBe(0)
    expect(await served(server.port, 'fr2', started)).toBeLessThan(PROMPT_MS)
    await vi.waitFor(() =>
      expect(server.output().stderr).toContain('Config reloaded: following @fr2'),
    )
    // Its first scan says what it found, as the start's does.
    await vi.waitFor(() =>
      expect(server.output().stderr).toContain('Indexed @fr2: 0 items from 1 file\n'),
    )
  })

  it('$XDG_CONFIG_HOME that does not exist yet, nor its parent: watches the nearest folder that does', async () => {
    const { root, env } = await machine()
    env.XDG_CONFIG_HOME = join(root, 'not', 'yet', 'config')
    const server = await serveCli([], env)
    let started = Date.now()
    expect((await runCli(['follow', 'fr1', join(root, 'fr1')], env)).code).toBe(0)
    expect(await served(server.port, 'fr1', started)).toBeLessThan(PROMPT_MS)
    started = Date.now()
    expect((await runCli(['follow', 'fr2', join(root, 'fr2')], env)).code).toBe(0)
    expect(await served(server.port, 'fr2', started)).toBeLessThan(PROMPT_MS)
  })

  it('a file written in place into a folder made later, one level at a time', async () => {
    const { root, env } = await machine()
    const server = await serveCli([], env)
    const dir = join(root, 'home', '.config', 'syncweb')
    await mkdir(join(root, 'home', '.config'), { recursive: true })
    await mkdir(dir)
    const started = Date.now()
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ spaces: { fr1: { path: join(root, 'fr1') } } }),
    )
    expect(await served(server.port, 'fr1', started)).toBeLessThan(PROMPT_MS)
  })

  it('a file moved into place (rename) in a folder made with it', async () => {
    const { root, env } = await machine()
    env.XDG_CONFIG_HOME = join(root, 'xdg')
    const server = await serveCli([], env)
    const dir = join(root, 'xdg', 'syncweb')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'draft'), JSON.stringify({ spaces: { fr1: { path: '../../fr1' } } }))
    const started = Date.now()
    await rename(join(dir, 'draft'), join(dir, 'config.json'))
    expect(await served(server.port, 'fr1', started)).toBeLessThan(PROMPT_MS)
  })
})

describe('config file edited while serving', () => {
  /** A gateway over a config that follows fr1, with HOME and XDG_CONFIG_HOME in `root`. */
  async function serving() {
    const { root, env } = await machine()
    const file = join(root, 'home', '.config', 'syncweb', 'config.json')
    expect((await runCli(['follow', 'fr1', join(root, 'fr1')], env)).code).toBe(0)
    const server = await serveCli([], env)
    return { root, env, file, server }
  }

  it('an editor save the way vim does it: swap file, backup by rename, new file', async () => {
    const { root, file, server } = await serving()
    const swap = join(root, 'home', '.config', 'syncweb', '.config.json.swp')
    await writeFile(swap, 'vim swap')
    const config = {
      spaces: { fr1: { path: join(root, 'fr1') }, fr2: { path: join(root, 'fr2') } },
    }
    const started = Date.now()
    await writeFile(join(root, 'home', '.config', 'syncweb', '4913'), '')
    await unlink(join(root, 'home', '.config', 'syncweb', '4913'))
    await rename(file, file + '~')
    await writeFile(file, JSON.stringify(config, null, 2))
    await unlink(file + '~')
    await unlink(swap)
    expect(await served(server.port, 'fr2', started)).toBeLessThan(PROMPT_MS)
    await vi.waitFor(() =>
      expect(server.output().stderr).toContain('Config reloaded: following @fr2'),
    )
  })

  it('a broken edit keeps the last good config and says why; the fix is taken', async () => {
    const { root, file, server } = await serving()
    await writeFile(file, '{ "spaces": ')
    await vi.waitFor(
      () => expect(server.output().stderr).toContain('keeping the last good configuration'),
      { timeout: 15_000, interval: 50 },
    )
    expect(server.output().stderr).toContain(file)
    expect((await get(server.port, '/@fr1/hello.txt')).status).toBe(200)
    const started = Date.now()
    await writeFile(file, JSON.stringify({ spaces: { fr2: { path: join(root, 'fr2') } } }))
    expect(await served(server.port, 'fr2', started)).toBeLessThan(PROMPT_MS)
    await vi.waitFor(async () => expect((await get(server.port, '/@fr1/')).status).toBe(404))
  })

  it('the config folder removed and made again', async () => {
    const { root, env, server } = await serving()
    await rm(join(root, 'home', '.config', 'syncweb'), { recursive: true })
    // Removing the file keeps the last good config: fr1 is still served.
    expect((await get(server.port, '/@fr1/hello.txt')).status).toBe(200)
    const started = Date.now()
    expect((await runCli(['follow', 'fr2', join(root, 'fr2')], env)).code).toBe(0)
    expect(await served(server.port, 'fr2', started)).toBeLessThan(PROMPT_MS)
    await vi.waitFor(async () => expect((await get(server.port, '/@fr1/')).status).toBe(404))

    // Removed and made again at once: the new folder is watched, not the dead one.
    const dir = join(root, 'home', '.config', 'syncweb')
    await rm(dir, { recursive: true })
    await mkdir(dir)
    const again = Date.now()
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ spaces: { fr1: { path: '../../../fr1' } } }),
    )
    expect(await served(server.port, 'fr1', again)).toBeLessThan(PROMPT_MS)
  })
})

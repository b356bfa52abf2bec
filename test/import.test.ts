import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { slugify, uniqueName } from '../src/import/slug.js'
import { ROOT, runCli, tempDir } from './helpers.js'

let dir: string
let env: Record<string, string>
let configXml: string
let syncConf: string

beforeEach(async () => {
  dir = await tempDir()
  env = {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    XDG_STATE_HOME: join(dir, '.local/state'),
  }
  for (const name of ['Sync', 'alice', 'bob-notes', 'enc', 'Carol Log'])
    await mkdir(join(dir, 'folders', name), { recursive: true })
  const fill = async (sample: string) =>
    (await readFile(join(ROOT, 'test/fixtures/sync', sample), 'utf8')).replaceAll(
      'FOLDERS',
      join(dir, 'folders'),
    )
  configXml = join(dir, 'config.xml')
  syncConf = join(dir, 'sync.conf')
  await writeFile(configXml, await fill('config.xml'))
  await writeFile(syncConf, await fill('sync.conf'))
})

const spaces = async () =>
  JSON.parse(await readFile(join(dir, '.config/syncweb/config.json'), 'utf8')).spaces as Record<
    string,
    { path: string; title?: string }
  >

describe('syncweb import syncthing', () => {
  it('follows each folder of a config.xml, named by its label, and says what it skipped', async () => {
    const res = await runCli(['import', 'syncthing', '--config', configXml], env)
    expect(res.code).toBe(0)
    expect(await spaces()).toEqual({
      'default-folder': { path: join(dir, 'folders/Sync'), title: 'Default Folder' },
      'alices-blog': { path: join(dir, 'folders/alice'), title: 'Alice’s Blog' },
      xyz99: { path: join(dir, 'folders/bob-notes') },
    })
    expect(res.stdout).toContain('Skipped "Encrypted backup": is encrypted on this device')
    expect(res.stdout).toContain(
      `Skipped "Not here yet": the folder ${join(dir, 'folders/missing')} does not exist`,
    )
    expect(res.stdout).toContain('3 followed, 2 skipped')
  })

  it("decodes what Syncthing escapes in config.xml (' as &#39;, & as &amp;)", async () => {
    await mkdir(join(dir, 'folders', 'Tom & Jerry'))
    await writeFile(
      configXml,
      `<configuration version="37"><folder id="tj" label="Tom &amp; Jerry&#39;s" path="${join(dir, 'folders')}/Tom &amp; Jerry" type="sendreceive"></folder></configuration>`,
    )
    const res = await runCli(['import', 'syncthing', '--config', configXml], env)
    expect(res.code).toBe(0)
    expect(await spaces()).toEqual({
      'tom-jerrys': { path: join(dir, 'folders/Tom & Jerry'), title: "Tom & Jerry's" },
    })
  })

  it('finds config.xml where Syncthing keeps it on Linux', async () => {
    await mkdir(join(dir, '.local/state/syncthing'), { recursive: true })
    await writeFile(join(dir, '.local/state/syncthing/config.xml'), await readFile(configXml))
    expect((await runCli(['import', 'syncthing'], env)).code).toBe(0)
    expect(Object.keys(await spaces())).toHaveLength(3)
  })

  it('changes nothing with --dry-run', async () => {
    const res = await runCli(['import', 'syncthing', '--config', configXml, '--dry-run'], env)
    expect(res.stdout).toContain('Would follow @alices-blog')
    expect(res.stdout).toContain('Dry run: nothing was written')
    await expect(readFile(join(dir, '.config/syncweb/config.json'))).rejects.toThrow()
  })

  it('skips folders already followed and de-duplicates names', async () => {
    await mkdir(join(dir, 'other'), { recursive: true })
    expect((await runCli(['follow', 'alices-blog', join(dir, 'other')], env)).code).toBe(0)
    expect((await runCli(['follow', 'xyz', join(dir, 'folders/bob-notes')], env)).code).toBe(0)
    const res = await runCli(['import', 'syncthing', '--config', configXml], env)
    expect(res.stdout).toContain('Skipped "xyz99": already followed as @xyz')
    expect((await spaces())['alices-blog-2']).toEqual({
      path: join(dir, 'folders/alice'),
      title: 'Alice’s Blog',
    })
    // Running it again adds nothing.
    expect((await runCli(['import', 'syncthing', '--config', configXml], env)).stdout).toContain(
      '0 followed',
    )
  })

  it.each([
    ['<not xml', 'is not valid XML'],
    ['<html><body/></html>', 'is not a Syncthing config.xml'],
  ])('refuses a broken config.xml clearly', async (text, message) => {
    await writeFile(configXml, text)
    const res = await runCli(['import', 'syncthing', '--config', configXml], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain(message)
  })

  it('says where it looked when there is no config.xml', async () => {
    const res = await runCli(['import', 'syncthing'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('--api URL --api-key KEY')
  })

  it('says when the REST API cannot be reached', async () => {
    const res = await runCli(
      ['import', 'syncthing', '--api', 'http://127.0.0.1:9', '--api-key', 'k'],
      env,
    )
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('cannot reach Syncthing at http://127.0.0.1:9')
  })
})

describe('syncweb import resilio', () => {
  it('follows each shared folder of sync.conf (comments and trailing commas as Resilio writes them)', async () => {
    const res = await runCli(['import', 'resilio', '--config', syncConf], env)
    expect(res.code).toBe(0)
    expect(await spaces()).toEqual({
      'carol-log': { path: join(dir, 'folders/Carol Log'), title: 'Carol Log' },
      alice: { path: join(dir, 'folders/alice') },
    })
  })

  it('refuses a file without shared_folders', async () => {
    await writeFile(syncConf, '{"device_name": "x"}')
    const res = await runCli(['import', 'resilio', '--config', syncConf], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('no "shared_folders" list')
  })
})

describe('names from labels', () => {
  it.each([
    ['Alice’s Blog', 'alices-blog'],
    ['Crème brûlée', 'creme-brulee'],
    ['  --Photos 2024!!  ', 'photos-2024'],
    ['日本語', 'folder'],
    ['x'.repeat(100), 'x'.repeat(63)],
  ])('%s → %s', (label, name) => {
    expect(slugify(label)).toBe(name)
  })

  it('de-duplicates', () => {
    const taken = new Set(['a', 'a-2'])
    expect(uniqueName('a', taken)).toBe('a-3')
    expect(uniqueName('b', taken)).toBe('b')
  })
})

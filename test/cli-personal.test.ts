// The commands about what is yours, run as a user runs them next to a running gateway: pair and
// devices (through the gateway's API, found by its runtime file), edit and delete (in the folder).
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BIN, cleanup, getJson, runCli, serveCli, tempDir, writeFiles } from './helpers.js'
import { deviceClient, LAN_NAME, lanAddress } from './lan.js'

const lan = lanAddress(1)
let root: string
let env: Record<string, string>
let port: number
const { post, enterCode } = deviceClient(lan?.address ?? '', () => port)

beforeAll(async () => {
  root = await tempDir()
  await writeFiles(join(root, 'bob'), {
    'status/b.json': JSON.stringify({ id: 'bob-1', text: 'Bob’s', date: '2026-11-20T11:00:00Z' }),
  })
  await writeFiles(join(root, 'ada'), { 'status/.keep': '' })
  await writeFiles(join(root, 'config', 'syncweb'), {
    'config.json': JSON.stringify({
      me: 'ada',
      host: lan ? '0.0.0.0' : '127.0.0.1',
      allowedHosts: [LAN_NAME],
      spaces: { ada: { path: join(root, 'ada') }, bob: { path: join(root, 'bob') } },
    }),
  })
  env = {
    HOME: root,
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_STATE_HOME: join(root, 'state'),
    XDG_CACHE_HOME: join(root, 'cache'),
  }
  port = (await serveCli([], env)).port
})
afterAll(() => lan?.remove?.())

const items = async () => (await getJson(port, '/timeline.json')).body.items as any[]

describe('syncweb edit and delete', () => {
  it('edit rewrites your status in place and keeps its ref; delete removes it', async () => {
    const posted = await runCli(['post', 'First try'], env)
    expect(posted.code, posted.stderr).toBe(0)
    const item = await vi.waitFor(
      async () => {
        const found = (await items()).find((i) => i.content_text === 'First try')
        expect(found).toBeDefined()
        return found
      },
      { timeout: 10_000 },
    )
    const ref = item._syncweb.ref as string
    const edited = await runCli(['edit', ref, 'Second try'], env)
    expect(edited.code, edited.stderr).toBe(0)
    expect(edited.stdout).toMatch(/^Edited .*status.*\.json\.\n$/)
    const file = join(root, 'ada', item._syncweb.path)
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ id: ref, text: 'Second try' })
    await vi.waitFor(
      async () =>
        expect((await items()).find((i) => i._syncweb.ref === ref)?.content_text).toBe(
          'Second try',
        ),
      { timeout: 10_000 },
    )

    // By its gateway URL, as copied from the page.
    const deleted = await runCli(['delete', item.url], env)
    expect(deleted.code, deleted.stderr).toBe(0)
    await vi.waitFor(
      async () => expect((await items()).map((i) => i._syncweb.ref)).not.toContain(ref),
      { timeout: 10_000 },
    )
  })

  it("refuse a friend's post and a ref that is nobody's, saying where refs are", async () => {
    const friend = await runCli(['delete', 'bob-1'], env)
    expect(friend.code).toBe(2)
    expect(friend.stderr).toContain('none of your own status updates has the ref bob-1')
    expect(friend.stderr).toContain('syncweb timeline --json --space ada')
    expect(await readFile(join(root, 'bob', 'status', 'b.json'), 'utf8')).toContain('bob-1')
    const missing = await runCli(['edit', 'nope'], env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('TEXT')
  })
})

describe.skipIf(!lan)('syncweb pair and devices', () => {
  it('pair prints a code that pairs one device; devices lists it; --revoke refuses it at once', async () => {
    const printed = await runCli(['pair', '--no-wait'], env)
    expect(printed.code, printed.stderr).toBe(0)
    const code = /Pairing code: (\d{3}) (\d{3})/.exec(printed.stdout)!
    expect(printed.stdout).toContain(`http://${LAN_NAME}:${port}/pair`)
    const paired = await enterCode(code[1]! + code[2]!, 'Tablet')
    expect(paired.status).toBe(200)
    const cookie = String(paired.headers['set-cookie']).split(';')[0]!

    const listed = await runCli(['devices'], env)
    expect(listed.stdout).toMatch(/^Tablet +paired \d{4}-\d\d-\d\d/)
    const json = JSON.parse((await runCli(['devices', '--json'], env)).stdout)
    expect(json).toEqual([expect.objectContaining({ name: 'Tablet' })])
    expect((await post('/api/read', { what: 'timeline' }, cookie)).status).toBe(200)

    const revoked = await runCli(['devices', '--revoke', 'tablet'], env)
    expect(revoked.stdout).toBe('Revoked Tablet: refused from now on.\n')
    expect((await post('/api/read', { what: 'timeline' }, cookie)).status).toBe(403)
    const again = await runCli(['devices', '--revoke', 'Tablet'], env)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('no paired device named Tablet')
  })

  it('pair waits until the device has used the code, and says which', async () => {
    const child = spawn(process.execPath, [BIN, 'pair'], {
      env: { PATH: process.env.PATH ?? '', ...env },
    })
    cleanup(() => child.kill())
    let stdout = ''
    child.stdout.on('data', (d) => (stdout += d))
    const code = await vi.waitFor(
      () => {
        const match = /Pairing code: (\d{3}) (\d{3})/.exec(stdout)
        expect(match).not.toBeNull()
        return match![1]! + match![2]!
      },
      { timeout: 10_000 },
    )
    expect((await enterCode(code, 'Phone')).status).toBe(200)
    const exit = await new Promise((resolve) => child.on('close', resolve))
    expect(exit).toBe(0)
    expect(stdout).toContain('Paired: Phone. It can post and reply')
  })
})

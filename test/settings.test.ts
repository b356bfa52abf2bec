// /settings and its API (issue 14 point 2, issue 15): real gateways on real sockets over real
// temp folders; the config file on disk is read back after every change.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../src/config/config.js'
import type { RunningServer } from '../src/http/server/server.js'
import { get, getJson, postJson, serveCli, startGateway, tempDir, writeFiles } from './helpers.js'
import { deviceClient, LAN_NAME, lanAddress } from './lan.js'

/** Two friends, one with a broken status file; a third space whose folder is gone. */
async function machine() {
  const root = await tempDir('syncweb-settings-')
  await writeFiles(root, {
    'ada/status/1.json': JSON.stringify({
      id: 'a1',
      text: 'Hello from Ada',
      date: '2026-01-02T10:00:00Z',
    }),
    'bob/index.html': '<title>Bob</title>',
    'bob/status/bad.json': '{ not json',
    'carol/status/1.json': JSON.stringify({
      id: 'c1',
      text: 'Carol here',
      date: '2026-01-03T10:00:00Z',
    }),
  })
  const file = join(root, 'config', 'syncweb', 'config.json')
  await mkdir(join(root, 'config', 'syncweb'), { recursive: true })
  const config = {
    future: { x: 1 },
    me: 'ada',
    mute: { words: ['spoiler'] },
    spaces: {
      ada: { path: join(root, 'ada'), color: 'red' },
      bob: { path: join(root, 'bob'), title: 'Bob’s workshop' },
      gone: { path: join(root, 'gone') },
    },
  }
  await writeFile(file, JSON.stringify(config, null, 2))
  return { root, file }
}

const onDisk = async (file: string) => JSON.parse(await readFile(file, 'utf8'))

describe('/settings on the computer that runs syncweb', () => {
  let server: RunningServer
  let port: number
  let root: string
  let file: string
  const post = (path: string, body: unknown, headers?: Record<string, string | undefined>) =>
    postJson(port, path, body, server.state.token, headers)

  beforeAll(async () => {
    ;({ root, file } = await machine())
    const config = (await loadConfig(file))!
    server = await startGateway([...config.spaces], config)
    port = server.port
    await server.state.index.ready()
  })

  it('GET /settings lists each space: title, folder, online or missing, items, problems readably', async () => {
    const res = await get(port, '/settings')
    expect(res.status).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const html = res.text
    expect(html).toContain('id="space-bob"')
    expect(html).toContain('value="Bob’s workshop"')
    expect(html).toContain(join(root, 'ada'))
    expect(html).toMatch(/id="space-gone"[\s\S]*folder missing/)
    // The broken file is named, with its reason, as text (not raw JSON).
    expect(html).toMatch(/<code>status\/bad\.json<\/code> <span>[^<]+<\/span>/)
    expect(html).toContain('1 file skipped')
    expect(html).toMatch(/class="me-choice" value="ada" checked/)
    expect(html).toContain('<meta name="syncweb-token"')
    expect(html).toContain(`<code>${file}</code>`)
    expect(html).toContain('href="/settings" aria-current="page">Settings</a>')
    const api = await getJson(port, '/api/settings')
    expect(api.body.spaces.find((s: any) => s.name === 'bob').problems[0].file).toBe(
      'status/bad.json',
    )
    expect(api.body.spaces.find((s: any) => s.name === 'gone').online).toBe(false)
    expect(api.body.mute.words).toEqual(['spoiler'])
  })

  it('the home page and the timeline link to /settings for the user', async () => {
    for (const path of ['/', '/timeline', '/search'])
      expect((await get(port, path)).text, path).toContain('href="/settings"')
    // A space's skipped files: "why" opens its readable list, not raw JSON.
    expect((await get(port, '/')).text).toContain('href="/settings#space-bob">why</a>')
  })

  it('POST /api/settings/follow writes the config (other keys kept) and serves the space at once', async () => {
    const res = await post('/api/settings/follow', { name: 'Carol', path: join(root, 'carol') })
    expect(res.status).toBe(200)
    expect(res.body.spaces.map((s: any) => s.name)).toContain('carol')
    const written = await onDisk(file)
    expect(written.spaces.carol).toEqual({ path: join(root, 'carol') })
    expect(written.future).toEqual({ x: 1 })
    expect(written.spaces.ada.color).toBe('red')
    expect(written.mute).toEqual({ words: ['spoiler'] })
    const spaces = await getJson(port, '/api/spaces')
    expect(spaces.body.map((s: any) => s.name)).toContain('carol')
    await vi.waitFor(async () =>
      expect((await get(port, '/@carol/status/1.json')).status).toBe(200),
    )
  })

  it('refuses a folder that does not exist with what to do, and writes nothing', async () => {
    const before = await readFile(file, 'utf8')
    const res = await post('/api/settings/follow', { name: 'dave', path: join(root, 'nope') })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toContain('does not exist')
    expect(res.body.error.message).toContain('give the folder your sync tool shares')
    const relative = await post('/api/settings/follow', { name: 'dave', path: 'Sync/dave' })
    expect(relative.status).toBe(400)
    expect(relative.body.error.message).toContain('full path')
    const badName = await post('/api/settings/follow', { name: 'no_way', path: join(root, 'ada') })
    expect(badName.status).toBe(400)
    expect(badName.body.error.message).toContain('1-63 characters')
    const taken = await post('/api/settings/follow', { name: 'bob', path: join(root, 'ada') })
    expect(taken.status).toBe(400)
    expect(taken.body.error.message).toContain('unfollow @bob first')
    expect(await readFile(file, 'utf8')).toBe(before)
  })

  it('sets and removes a title', async () => {
    expect(
      (await post('/api/settings/space', { name: 'carol', title: ' Carol’s log ' })).status,
    ).toBe(200)
    expect((await onDisk(file)).spaces.carol.title).toBe('Carol’s log')
    expect((await getJson(port, '/api/spaces/carol')).body.title).toBe('Carol’s log')
    expect((await post('/api/settings/space', { name: 'carol', title: '' })).status).toBe(200)
    expect((await onDisk(file)).spaces.carol).toEqual({ path: join(root, 'carol') })
    const unknown = await post('/api/settings/space', { name: 'zed', title: 'x' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.message).toContain('not following "zed"')
  })

  it('chooses which spaces are mine', async () => {
    const res = await post('/api/settings/me', { names: ['ada', 'carol'] })
    expect(res.status).toBe(200)
    expect(res.body.me).toEqual(['ada', 'carol'])
    expect((await onDisk(file)).me).toEqual(['ada', 'carol'])
    expect((await post('/api/settings/me', { names: ['ada'] })).status).toBe(200)
    expect((await onDisk(file)).me).toBe('ada')
    expect((await post('/api/settings/me', { names: ['zed'] })).status).toBe(400)
    expect((await onDisk(file)).me).toBe('ada')
  })

  it('mutes and unmutes through /api/mute; the settings show them as the config stores them', async () => {
    expect((await post('/api/mute', { tag: '#Politics', muted: true })).status).toBe(200)
    expect((await post('/api/mute', { space: '@bob', muted: true })).status).toBe(200)
    expect((await getJson(port, '/api/settings')).body.mute).toEqual({
      spaces: ['bob'],
      words: ['spoiler'],
      tags: ['politics'],
    })
    expect((await get(port, '/settings')).text).toContain('data-value="politics"')
    expect((await post('/api/mute', { space: 'bob', muted: false })).status).toBe(200)
    expect((await onDisk(file)).mute.spaces).toEqual([])
  })

  it('unfollows: the space is gone from the config and the gateway, its folder untouched', async () => {
    const res = await post('/api/settings/unfollow', { name: 'carol' })
    expect(res.status).toBe(200)
    expect((await onDisk(file)).spaces.carol).toBeUndefined()
    expect((await getJson(port, '/api/spaces')).body.map((s: any) => s.name)).not.toContain('carol')
    expect(await readFile(join(root, 'carol', 'status', '1.json'), 'utf8')).toContain('Carol here')
  })

  it('refuses a change without the page token (403), and writes nothing', async () => {
    const before = await readFile(file, 'utf8')
    for (const [path, body] of [
      ['/api/settings/follow', { name: 'carol', path: join(root, 'carol') }],
      ['/api/settings/unfollow', { name: 'bob' }],
      ['/api/settings/space', { name: 'bob', title: 'x' }],
      ['/api/settings/me', { names: [] }],
    ] as const) {
      const res = await post(path, body, { 'X-Syncweb-Token': undefined })
      expect(res.status, path).toBe(403)
      expect((await post(path, body, { Origin: 'http://evil.example' })).status, path).toBe(403)
    }
    expect(await readFile(file, 'utf8')).toBe(before)
  })
})

const lan = lanAddress(2)

describe.skipIf(!lan)('settings from another device of the network', () => {
  let server: RunningServer
  let port: number
  let file: string
  const { fromDevice, post } = deviceClient(lan?.address ?? '', () => port)

  beforeAll(async () => {
    const made = await machine()
    file = made.file
    const config = (await loadConfig(file))!
    server = await startGateway(
      [...config.spaces],
      { ...config, host: '0.0.0.0', allowedHosts: [LAN_NAME] },
      { stateDir: await tempDir() },
    )
    port = server.port
  })
  afterAll(() => lan?.remove?.())

  it('GET /settings is a 403 page that says where settings are', async () => {
    const page = await fromDevice('/settings')
    expect(page.status).toBe(403)
    expect(page.text).toContain('Settings are only on the computer that runs syncweb')
    expect(page.text).not.toContain('syncweb-token')
    expect((await fromDevice('/')).text).not.toContain('href="/settings"')
    const api = await fromDevice('/api/settings')
    expect(api.status).toBe(403)
    expect(api.text).not.toContain(file)
  })

  it('every settings write is a 403, paired or not, and the config is untouched', async () => {
    const before = await readFile(file, 'utf8')
    const { code } = (await postJson(port, '/api/pair', {}, server.state.token)).body
    const { enterCode } = deviceClient(lan!.address, () => port)
    const paired = await enterCode(code, 'phone')
    const cookie = String(paired.headers['set-cookie']).split(';')[0]!
    for (const [path, body] of [
      ['/api/settings/follow', { name: 'x', path: '/tmp' }],
      ['/api/settings/unfollow', { name: 'bob' }],
      ['/api/settings/space', { name: 'bob', title: 'x' }],
      ['/api/settings/me', { names: [] }],
      ['/api/mute', { word: 'x', muted: true }],
    ] as const)
      for (const who of [undefined, cookie]) {
        const res = await post(path, body, who)
        expect(res.status, `${path} ${who ? 'paired' : ''}`).toBe(403)
        expect(res.text).toContain('only the computer that runs syncweb')
      }
    expect(await readFile(file, 'utf8')).toBe(before)
  })
})

describe('syncweb serve: the config on disk', () => {
  const tokenOf = (html: string) => /name="syncweb-token" content="([^"]+)"/.exec(html)![1]!

  it('a broken hand edit shows on /settings with its line and column; a fix clears it', async () => {
    const { root, file } = await machine()
    const env = {
      HOME: join(root, 'home'),
      XDG_CONFIG_HOME: join(root, 'config'),
      XDG_STATE_HOME: join(root, 'state'),
      XDG_CACHE_HOME: join(root, 'cache'),
    }
    const server = await serveCli([], env)
    const good = await readFile(file, 'utf8')
    await writeFile(file, good.replace('"me": "ada",', '"me": "ada"'))
    await vi.waitFor(
      async () => {
        const html = (await get(server.port, '/settings')).text
        expect(html).toContain('The config file is broken at line 6, column 3')
        expect(html).toContain('a comma expected')
        expect(html).toContain('keeps serving the last good configuration')
      },
      { timeout: 15_000, interval: 100 },
    )
    // A change from the page waits for the fix: nothing is written over the user's edit.
    const page = (await get(server.port, '/settings')).text
    const refused = await postJson(
      server.port,
      '/api/settings/space',
      { name: 'bob', title: 'B' },
      tokenOf(page),
    )
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toContain('fix the file first')
    await writeFile(file, good)
    await vi.waitFor(
      async () => expect((await get(server.port, '/settings')).text).not.toContain('is broken'),
      { timeout: 15_000, interval: 100 },
    )
  })

  it('a change from the page is written, served at once, and not reported twice by the watcher', async () => {
    const { root, file } = await machine()
    const env = {
      HOME: join(root, 'home'),
      XDG_CONFIG_HOME: join(root, 'config'),
      XDG_STATE_HOME: join(root, 'state'),
      XDG_CACHE_HOME: join(root, 'cache'),
    }
    const server = await serveCli([], env)
    const token = tokenOf((await get(server.port, '/settings')).text)
    const res = await postJson(
      server.port,
      '/api/settings/follow',
      { name: 'carol', path: join(root, 'carol') },
      token,
    )
    expect(res.status).toBe(200)
    expect((await getJson(server.port, '/api/spaces/carol')).status).toBe(200)
    await vi.waitFor(() => expect(server.output().stderr).toContain('settings: following @carol'))
    // Give the watcher time to see the file it already serves.
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(server.output().stderr).not.toContain('Config reloaded')
    expect((await onDisk(file)).spaces.carol.path).toBe(join(root, 'carol'))
  })

  it('without a config file (the demo), says where following creates it, and the first follow does', async () => {
    const root = await tempDir('syncweb-settings-demo-')
    await writeFiles(root, { 'fr1/hello.txt': 'one' })
    const env = {
      HOME: join(root, 'home'),
      XDG_STATE_HOME: join(root, 'state'),
      XDG_CACHE_HOME: join(root, 'cache'),
    }
    const server = await serveCli([], env)
    const file = join(root, 'home', '.config', 'syncweb', 'config.json')
    const page = (await get(server.port, '/settings')).text
    expect(page).toContain('Following a folder below creates your config file')
    expect(page).toContain(file)
    const res = await postJson(
      server.port,
      '/api/settings/follow',
      { name: 'fr1', path: join(root, 'fr1') },
      tokenOf(page),
    )
    expect(res.status).toBe(200)
    expect(res.body.demo).toBe(false)
    expect((await onDisk(file)).spaces).toEqual({ fr1: { path: join(root, 'fr1') } })
    expect((await get(server.port, '/@fr1/hello.txt')).status).toBe(200)
    expect((await get(server.port, '/@alice/')).status).toBe(404)
  })
})

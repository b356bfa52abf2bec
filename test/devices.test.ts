// Another device of the network (SECURITY.md "Devices"): the gateway listens beyond loopback
// and answers a LAN name from allowedHosts. Real clients connect from a non-loopback address of
// this machine (its own, or one the test adds to a dummy interface and removes).
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../src/http/server/server.js'
import { postJson, startGateway, tempDir, writeFiles } from './helpers.js'
import { deviceClient, LAN_NAME, lanAddress } from './lan.js'

const lan = lanAddress()
let server: RunningServer
let port: number
let root: string

const { fromDevice, post, enterCode } = deviceClient(lan?.address ?? '', () => port)
const newCode = async () =>
  (await postJson(port, '/api/pair', {}, server.state.token)).body.code as string

describe.skipIf(!lan)('another device of the network', () => {
  beforeAll(async () => {
    root = await tempDir()
    await writeFiles(join(root, 'ada'), {
      'status/1.json': JSON.stringify({
        id: 'a1',
        text: 'Hello from Ada',
        date: '2026-11-20T10:00:00Z',
      }),
    })
    await writeFiles(join(root, 'bob'), {
      'index.html': '<title>Bob</title><p>Bob’s page</p>',
      'status/bad.json': '{ not json',
    })
    server = await startGateway(
      [
        { name: 'ada', root: join(root, 'ada') },
        { name: 'bob', root: join(root, 'bob') },
      ],
      { me: 'ada', host: '0.0.0.0', allowedHosts: [LAN_NAME] },
      { stateDir: await tempDir() },
    )
    port = server.port
    await server.state.index.ready()
  })
  afterAll(() => lan?.remove?.())

  it('reads pages, spaces, the timeline, feeds and search', async () => {
    for (const path of [
      '/',
      '/timeline',
      '/timeline.json',
      '/timeline.xml',
      '/search?q=hello',
      '/api/search?q=hello',
      '/api/spaces',
      '/notifications',
    ])
      expect((await fromDevice(path)).status, path).toBe(200)
    expect((await fromDevice('/timeline.json')).text).toContain('Hello from Ada')
    // A space is browsed sandboxed under /@NAME/: NAME.localhost would be the device itself.
    const page = await fromDevice('/@bob/', { headers: { 'Sec-Fetch-Mode': 'navigate' } })
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toContain('sandbox')
  })

  it('gets no token, no compose box and no folder path, in any page or JSON', async () => {
    for (const path of [
      '/',
      '/timeline',
      '/notifications',
      '/search',
      '/pair',
      '/api/spaces',
      '/api/spaces/bob',
      '/timeline.json',
    ]) {
      const res = await fromDevice(path)
      expect(res.text, path).not.toContain(server.state.token)
      expect(res.text, path).not.toContain(root)
      expect(res.text, path).not.toContain('syncweb-token')
      expect(res.text, path).not.toContain('id="compose"')
    }
    const spaces = JSON.parse((await fromDevice('/api/spaces')).text)
    expect(spaces[0]).not.toHaveProperty('path')
    expect(spaces.find((s: any) => s.name === 'bob').problems).toHaveLength(1)
  })

  it('is refused every write with 403 and how to pair, and settings from anyone but this computer', async () => {
    for (const [path, body] of [
      ['/api/posts', { text: 'hi' }],
      ['/api/read', { what: 'timeline' }],
    ] as const) {
      const res = await post(path, body)
      expect(res.status, path).toBe(403)
      expect(JSON.parse(res.text).error.message).toContain('syncweb pair')
    }
    for (const [path, body] of [
      ['/api/mute', { space: 'bob', muted: true }],
      ['/api/pair', {}],
      ['/api/devices/revoke', { device: 'x' }],
    ] as const) {
      const res = await post(path, body)
      expect(res.status, path).toBe(403)
      expect(JSON.parse(res.text).error.message).toContain('only the computer that runs syncweb')
    }
    expect((await fromDevice('/api/devices')).status).toBe(403)
  })

  it('is a device even when it names localhost, and so is this machine naming the LAN host', async () => {
    const res = await fromDevice('/timeline', { headers: { Host: `localhost:${port}` } })
    expect(res.text).not.toContain('syncweb-token')
  })

  it('pairs once per code, and may then post and mark read, never change settings', async () => {
    const code = await newCode()
    const form = await fromDevice('/pair')
    expect(form.text).toContain('name="code"')
    const wrong = await enterCode(code === '000000' ? '111111' : '000000', 'Phone')
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('4 tries left')
    const paired = await enterCode(code, 'Ada’s phone')
    expect(paired.status).toBe(200)
    expect(paired.text).toContain('paired as <strong>Ada’s phone</strong>')
    const cookie = String(paired.headers['set-cookie'])
    expect(cookie).toMatch(/syncweb_device=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict/)
    const credential = cookie.split(';')[0]!
    // The same code again: used.
    expect((await enterCode(code, 'Other')).text).toContain('No code is waiting')

    const posted = await post('/api/posts', { text: 'From my phone', reply_to: 'a1' }, credential)
    expect(posted.status).toBe(201)
    expect((await post('/api/read', { what: 'timeline' }, credential)).status).toBe(200)
    expect((await post('/api/mute', { space: 'bob', muted: true }, credential)).status).toBe(403)
    const page = await fromDevice('/timeline', { headers: { Cookie: credential } })
    expect(page.text).not.toContain(server.state.token)
    // A cookie sent from another site's page is never enough: the origin checks stay.
    const forged = await fromDevice('/api/posts', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: 'https://evil.example',
        Cookie: credential,
      },
      body: '{"text":"x"}',
    })
    expect(forged.status).toBe(403)
  })

  it('voids a code after five wrong tries', async () => {
    const code = await newCode()
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++) await enterCode(wrong, 'Guesser')
    const late = await enterCode(code, 'Guesser')
    expect(late.status).toBe(400)
    expect(late.text).toContain('no longer works')
  })

  it('refuses a revoked device at once', async () => {
    const code = await newCode()
    const credential = String((await enterCode(code, 'Tablet')).headers['set-cookie']).split(
      ';',
    )[0]!
    expect((await post('/api/read', { what: 'timeline' }, credential)).status).toBe(200)
    const { body } = await postJson(
      port,
      '/api/devices/revoke',
      { device: 'Tablet' },
      server.state.token,
    )
    expect(body.revoked).toEqual(['Tablet'])
    expect((await post('/api/read', { what: 'timeline' }, credential)).status).toBe(403)
  })
})

beforeAll(() => {
  if (!lan) console.warn('devices.test: no non-loopback address, and none could be added: skipped')
})

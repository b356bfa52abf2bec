// What a write costs the gateway before it is known to be allowed (SECURITY.md "Availability"):
// the room for an image in POST /api/posts is only for a request that may write, and checking
// an image is linear in its size. Real server, real sockets, a real device of the network.
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '../src/config/limits.js'
import type { RunningServer } from '../src/http/server/server.js'
import { postJson, startGateway, tempDir, writeFiles } from './helpers.js'
import { LAN_NAME, lanAddress } from './lan.js'

const lan = lanAddress(4)
let server: RunningServer
let port: number

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

beforeAll(async () => {
  const root = await tempDir()
  await writeFiles(join(root, 'ada'), { 'status/1.json': '{"text":"hi","date":"2026-01-01"}' })
  server = await startGateway([{ name: 'ada', root: join(root, 'ada') }], {
    me: 'ada',
    host: '0.0.0.0',
    allowedHosts: [LAN_NAME],
    limits: DEFAULT_LIMITS,
  })
  port = server.port
  await server.state.index.ready()
})
afterAll(() => lan?.remove?.())

/**
 * Declares a body of `declared` bytes and sends only the first 64 KB of it: the answer, if the
 * gateway gives one within two seconds without waiting for the rest.
 */
function partialPost(
  headers: Record<string, string>,
  from = '127.0.0.1',
  declared = 6 * 1024 * 1024,
): Promise<number | 'waiting for the body'> {
  return new Promise((resolve, reject) => {
    let done = false
    const req = request(
      {
        host: from,
        localAddress: from,
        port,
        path: '/api/posts',
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(declared), Connection: 'close' },
      },
      (res) => {
        done = true
        res.resume()
        clearTimeout(timer)
        req.destroy()
        resolve(res.statusCode!)
      },
    )
    const timer = setTimeout(() => {
      done = true
      req.destroy()
      resolve('waiting for the body')
    }, 2000)
    req.on('error', (error) => done || reject(error))
    req.write('{"text":"x","image":{"data":"' + 'A'.repeat(64 * 1024))
  })
}

describe('POST /api/posts from someone who may not write', () => {
  it('holds the body to maxBodyBytes before reading it: a page or an unpaired device gets 413 at once', async () => {
    const page = { Host: `localhost:${port}`, Origin: `http://localhost:${port}` }
    // A web page's no-cors POST (text/plain, a foreign Origin), and the gateway's own origin
    // without the token: both would have buffered and parsed megabytes before the guard.
    expect(
      await partialPost({ ...page, Origin: 'http://evil.test', 'Content-Type': 'text/plain' }),
    ).toBe(413)
    expect(await partialPost({ ...page, 'Content-Type': 'application/json' })).toBe(413)
    if (lan) {
      const device = {
        Host: `${LAN_NAME}:${port}`,
        Origin: `http://${LAN_NAME}:${port}`,
        'Sec-Fetch-Site': 'same-origin',
        'Content-Type': 'application/json',
      }
      expect(await partialPost(device, lan.address)).toBe(413)
    }
    // The user's own page still gets the room for an image.
    const body = { text: 'a picture', image: { data: PNG.toString('base64') } }
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]).toString('base64')
    expect((await postJson(port, '/api/posts', body, server.state.token)).status).toBe(201)
    const res = await postJson(
      port,
      '/api/posts',
      { ...body, image: { data: big } },
      server.state.token,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  })
})

describe('an image in POST /api/posts', () => {
  it('is checked in time linear in its size, whatever its padding (no backtracking on "=")', async () => {
    // Megabytes of "=" before one more character: a trailing-padding regex backtracked over
    // every one of them from every position, minutes of a frozen gateway for one request.
    const data = '='.repeat(400_000) + 'A'
    const started = Date.now()
    const res = await postJson(
      port,
      '/api/posts',
      { text: 'x', image: { data } },
      server.state.token,
    )
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/not base64/)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

import autocannon from 'autocannon'
import { readdirSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { get, openEvents, scaled, serveCli, tempDir, writeFiles } from './helpers.js'

// Load and abuse against `syncweb serve` as a separate process, so that its memory and file
// descriptors can be counted from /proc. Limits are set low in its config to keep this quick.

const LIMITS = {
  headersTimeoutMs: 1000,
  requestTimeoutMs: 5000,
  idleTimeoutMs: 2000,
  maxBodyBytes: 2048,
}
const SECONDS = scaled(3, 5, 10)
const waitOpts = { timeout: 15_000, interval: 100 }

let port: number
let pid: number
let space: string

function fds(): number {
  return readdirSync(`/proc/${pid}/fd`).length
}

function rssMb(): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!
  return Math.round(Number(kb) / 1024)
}

beforeAll(async () => {
  const home = await tempDir()
  space = join(home, 'pal')
  await writeFiles(space, {
    'index.html': '<!doctype html><title>Pal</title>' + '<p>hello</p>'.repeat(400),
    'big.bin': Buffer.alloc(32 * 1024 * 1024, 9),
    ...Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `status/${i}.json`,
        JSON.stringify({
          text: `status ${i}`,
          date: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        }),
      ]),
    ),
  })
  const config = join(home, 'config.json')
  await writeFile(
    config,
    JSON.stringify({ me: 'pal', spaces: { pal: { path: space } }, limits: LIMITS }),
  )
  const server = await serveCli(['--config', config], { HOME: home })
  port = server.port
  pid = server.child.pid!
  await vi.waitFor(
    async () => expect((await get(port, '/api/spaces/pal')).text).toContain('"items":300'),
    waitOpts,
  )
})

async function load(path: string, connections: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections,
    duration: SECONDS,
    timeout: 10,
  })
  const line = `${path} × ${connections} connections: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`
  console.log(line)
  return result
}

describe('load', () => {
  it(`answers 1,000 concurrent connections on a small file and on the timeline, without an error`, async () => {
    const rssBefore = rssMb()
    const fdsBefore = fds()
    for (const path of ['/@pal/index.html', '/timeline', '/timeline.json?limit=50']) {
      const result = await load(path, 1000)
      expect(result.errors, path).toBe(0)
      expect(result.timeouts, path).toBe(0)
      expect(result.non2xx, path).toBe(0)
      expect(result.requests.total, path).toBeGreaterThan(1000)
    }
    // Every connection was closed by autocannon: the descriptors go back to where they were.
    await vi.waitFor(() => expect(fds()).toBeLessThanOrEqual(fdsBefore + 2), waitOpts)
    const line = `RSS ${rssBefore} MB before, ${rssMb()} MB after; fds ${fdsBefore} before, ${fds()} after`
    console.log(line)
    expect(rssMb()).toBeLessThan(rssBefore + 200)
  }, 120_000)

  it('sends a new item to 200 open /events streams', async () => {
    const streams = Array.from({ length: 200 }, () => openEvents(port, '/events?space=pal'))
    await Promise.all(streams.map((s) => s.connected))
    const started = performance.now()
    await writeFile(
      join(space, 'status', 'fresh.json'),
      JSON.stringify({ text: 'to everyone', date: new Date().toISOString() }),
    )
    await vi.waitFor(
      () =>
        expect(
          streams.filter((s) => s.messages.some((m) => m.data.includes('to everyone'))).length,
        ).toBe(200),
      waitOpts,
    )
    const line = `200 /events streams: all had the new item after ${Math.round(performance.now() - started)} ms`
    console.log(line)
    const fdsOpen = fds()
    for (const s of streams) s.close()
    await vi.waitFor(() => expect(fds()).toBeLessThanOrEqual(fdsOpen - 190), waitOpts)
  })
})

describe('abuse', () => {
  /** Opens a raw connection and records when the server closes it. */
  function rawSocket() {
    const socket: Socket = connect(port, '127.0.0.1')
    let received = ''
    socket.on('data', (d) => (received += d.toString('latin1')))
    socket.on('error', () => {})
    const closed = new Promise<number>((resolve) =>
      socket.on('close', () => resolve(performance.now())),
    )
    return { socket, closed, received: () => received }
  }

  it('closes slowloris connections after limits.headersTimeoutMs, and serves others meanwhile', async () => {
    const fdsBefore = fds()
    const started = performance.now()
    const slow = Array.from({ length: 200 }, () => rawSocket())
    const drip = setInterval(() => {
      for (const { socket } of slow) if (!socket.destroyed) socket.write('X-Drip: a\r\n')
    }, 200)
    for (const { socket } of slow) socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`)
    try {
      // Meanwhile, a normal client is served at once.
      const res = await get(port, '/@pal/index.html')
      expect(res.status).toBe(200)
      const closedAt = await Promise.all(slow.map((s) => s.closed))
      const slowest = Math.max(...closedAt) - started
      const line = `200 slowloris connections: all closed after ${Math.round(slowest)} ms (headersTimeoutMs ${LIMITS.headersTimeoutMs})`
      console.log(line)
      expect(slowest).toBeLessThan(LIMITS.headersTimeoutMs + 2000)
      expect(slow[0]!.received()).toMatch(/^HTTP\/1\.1 408/)
    } finally {
      clearInterval(drip)
    }
    await vi.waitFor(() => expect(fds()).toBeLessThanOrEqual(fdsBefore + 2), waitOpts)
  })

  it('drops a client that stops reading a download after limits.idleTimeoutMs', async () => {
    const fdsBefore = fds()
    const readers = Array.from({ length: 20 }, () => {
      const { socket } = rawSocket()
      socket.write(`GET /@pal/big.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
      socket.pause() // never reads: the server's writes back up (and it never sees our close)
      return socket
    })
    try {
      // Each holds a socket and an open file while it stalls…
      await vi.waitFor(() => expect(fds()).toBeGreaterThanOrEqual(fdsBefore + 40), waitOpts)
      const started = performance.now()
      // …and the server lets go of both once the connection was idle for idleTimeoutMs.
      await vi.waitFor(() => expect(fds()).toBeLessThanOrEqual(fdsBefore + 2), waitOpts)
      const dropped = performance.now() - started
      const line = `20 stalled downloads of 32 MB: dropped by the server after ${Math.round(dropped)} ms (idleTimeoutMs ${LIMITS.idleTimeoutMs})`
      console.log(line)
      // Node checks a socket's idleness on a timer of the same length: up to twice the limit.
      expect(dropped).toBeLessThan(2 * LIMITS.idleTimeoutMs + 1000)
    } finally {
      for (const socket of readers) socket.destroy()
    }
  })

  it('leaks no descriptor when clients hang up mid-download or mid-stream', async () => {
    const fdsBefore = fds()
    const rssBefore = rssMb()
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from(
          { length: 20 },
          () =>
            new Promise<void>((resolve) => {
              const req = request(
                {
                  host: '127.0.0.1',
                  port,
                  path: round % 2 ? '/@pal/big.bin' : '/events',
                  headers: { Host: `127.0.0.1:${port}`, Range: 'bytes=100-' },
                },
                (res) => {
                  res.once('data', () => {
                    req.destroy()
                    resolve()
                  })
                },
              )
              req.on('error', () => resolve())
              req.end()
            }),
        ),
      )
    }
    await vi.waitFor(() => expect(fds()).toBeLessThanOrEqual(fdsBefore + 2), waitOpts)
    const line = `200 clients hung up mid-download or mid-stream: fds ${fdsBefore} before, ${fds()} after; RSS ${rssBefore} MB before, ${rssMb()} MB after`
    console.log(line)
  })

  it('refuses a request body over limits.maxBodyBytes with 413, with or without a length', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(4000) })
    const headers = {
      Host: `127.0.0.1:${port}`,
      Origin: `http://127.0.0.1:${port}`,
      'Content-Type': 'application/json',
    }
    for (const chunked of [false, true]) {
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/posts',
            method: 'POST',
            headers: chunked ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) },
          },
          (r) => {
            let text = ''
            r.on('data', (d) => (text += d))
            r.on('end', () => resolve({ status: r.statusCode!, text }))
          },
        )
        req.on('error', reject)
        if (chunked) {
          req.write(body.slice(0, 2000))
          req.write(body.slice(2000))
          req.end()
        } else req.end(body)
      })
      expect(res.status, chunked ? 'chunked' : 'with length').toBe(413)
      expect(JSON.parse(res.text).error.message).toBe(
        'a post body is at most 2048 bytes (limits.maxBodyBytes)',
      )
    }
    expect(readdirSync(join(space, 'status')).filter((f) => !/^\d+\.json$|fresh/.test(f))).toEqual(
      [],
    )
  })
})

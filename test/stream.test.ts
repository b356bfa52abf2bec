import { open, readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { serveCli, tempDir } from './helpers.js'

const SIZE = 200 * 1024 * 1024

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}

it('streams a 200 MB file with flat memory, also to a client that stops reading', async () => {
  const dir = await tempDir()
  const space = join(dir, 'big')
  const { mkdir, writeFile } = await import('node:fs/promises')
  await mkdir(space)
  // A sparse file: 200 MB to read, no 200 MB to write first.
  const handle = await open(join(space, 'movie.bin'), 'w')
  await handle.truncate(SIZE)
  await handle.close()
  const config = join(dir, 'config.json')
  await writeFile(config, JSON.stringify({ spaces: { big: { path: space } } }))
  const home = { HOME: dir, XDG_CONFIG_HOME: dir }
  const server = await serveCli(['--config', config], home)
  const pid = server.child.pid!
  const baseline = await rssOf(pid)
  let peak = baseline

  const received = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/@big/movie.bin',
        headers: { Host: 'localhost' },
      },
      (res) => {
        expect(res.statusCode).toBe(200)
        expect(res.headers['content-length']).toBe(String(SIZE))
        let bytes = 0
        let paused = false
        const sampler = setInterval(() => {
          rssOf(pid).then((rss) => (peak = Math.max(peak, rss)), reject)
        }, 20)
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          // A slow reader: stop for a second after 20 MB. A server that ignored backpressure
          // (or read the file into memory) would grow here.
          if (!paused && bytes > 20 * 1024 * 1024) {
            paused = true
            res.pause()
            setTimeout(() => res.resume(), 1000)
          }
        })
        res.on('end', () => {
          clearInterval(sampler)
          resolve(bytes)
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })

  expect(received).toBe(SIZE)
  const growth = peak - baseline
  console.log(
    `RSS baseline ${(baseline / 2 ** 20).toFixed(0)} MB, peak growth ${(growth / 2 ** 20).toFixed(1)} MB`,
  )
  // Reading the file into memory would add 200 MB; streaming stays within buffers and GC slack.
  expect(growth).toBeLessThan(64 * 1024 * 1024)
})

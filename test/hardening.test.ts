import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { cleanup, get, getJson, runCli, scaled, serveCli, tempDir, writeFiles } from './helpers.js'

// Hardening round 2 (issue 10): a friend controls what lands in a synced folder, and a web page
// the user visits controls what URLs it requests. Each class gets a test through `syncweb
// serve` as a process, so that a crash ends the test and its memory can be read from /proc.

const waitOpts = { timeout: 20_000, interval: 100 }
const OUTSIDE = 'OUTSIDE-THE-SPACE-SENTINEL'
const dated = (body: string, date = '2026-05-01T10:00:00Z') =>
  `---\ntitle: crafted\ndate: ${date}\n---\n\n${body}\n`

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!
  return Math.round(Number(kb) / 1024)
}

async function problems(port: number, name: string): Promise<Record<string, string>> {
  const { body } = await getJson(port, `/api/spaces/${name}`)
  return Object.fromEntries(body.problems.map((p: any) => [p.file, p.reason]))
}

/** `syncweb serve` on a config of these spaces (name → folder) and limits. */
async function serve(spaces: Record<string, string>, limits: Record<string, number> = {}) {
  const home = await tempDir()
  const config = join(home, 'config.json')
  const paths = Object.fromEntries(Object.entries(spaces).map(([n, p]) => [n, { path: p }]))
  await writeFile(config, JSON.stringify({ spaces: paths, limits }))
  return serveCli(['--config', config], { HOME: home })
}

/** Times `GET /` every `every` ms until `stop()` is called; resolves with the slowest, in ms. */
function watchHome(port: number, every = 50) {
  let slowest = 0
  let running = true
  const done = (async () => {
    while (running) {
      const started = performance.now()
      const res = await get(port, '/')
      expect(res.status).toBe(200)
      slowest = Math.max(slowest, performance.now() - started)
      await new Promise((r) => setTimeout(r, every))
    }
    return slowest
  })()
  return {
    stop: async () => {
      running = false
      return done
    },
  }
}

describe('1 and 7. documents nested to crash the parser', () => {
  const deepFiles = {
    // yaml recurses per level; V8 then aborts the process at the next regular expression.
    'deep-flow.md': '---\n' + '['.repeat(1200) + '\n---\nhi\n',
    'deep-flow-2.md': '---\n' + '{a: '.repeat(3000) + '\n---\nhi\n',
    'deep-seq.md': '---\n' + '- '.repeat(3000) + 'x\n---\nhi\n',
    'deep-key.md': '---\n' + '? '.repeat(300) + 'x\n---\nhi\n',
    'posts/2026-05-02-quotes.md': dated('>'.repeat(60_000), '2026-05-02T10:00:00Z'),
    'posts/2026-05-03-lists.md': dated('- '.repeat(30_000) + 'x', '2026-05-03T10:00:00Z'),
    'posts/2026-05-04-emphasis.md': dated(
      '*a '.repeat(20_000) + 'x' + ' a*'.repeat(20_000),
      '2026-05-04T10:00:00Z',
    ),
    'status/deep.json': '{"text":"deep","x":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
    'follows.json': '['.repeat(100_000) + ']'.repeat(100_000),
    'feed.json':
      '{"items":[{"id":"1","date_published":"2026-01-01T00:00:00Z","x":' +
      '{"a":'.repeat(5000) +
      '1' +
      '}'.repeat(5000) +
      '}]}',
    'good.md': '---\ntitle: Good\ndate: 2026-05-01T09:00:00Z\n---\n\nStill here.\n',
    'status/good.json': JSON.stringify({ text: 'good status', date: '2026-05-01T08:00:00Z' }),
  }

  it('lists each as a problem, renders none into a 500, and keeps serving (class 1, 7)', async () => {
    const root = await tempDir()
    await writeFiles(join(root, 'mallory'), deepFiles)
    const server = await serve({ mallory: join(root, 'mallory') })
    const { port } = server
    await vi.waitFor(async () => {
      const found = await problems(port, 'mallory')
      expect(found['deep-flow.md']).toMatch(/front matter nested too deeply/)
      expect(found['deep-seq.md']).toMatch(/front matter nested too deeply/)
      expect(found['status/deep.json']).toMatch(/nested too deeply/)
      expect(found['follows.json']).toMatch(/nested too deeply/)
    }, waitOpts)
    // Opening each page parses it again, as does every change of the file.
    for (const name of Object.keys(deepFiles)) await get(port, `/@mallory/${name}`)
    await writeFile(join(root, 'mallory/deep-flow.md'), deepFiles['deep-flow.md'] + '\n')
    await writeFile(join(root, 'mallory/deep-seq.md'), deepFiles['deep-seq.md'] + '\n')
    for (const name of Object.keys(deepFiles)) await get(port, `/@mallory/${name}`)

    // Class 7: a post that cannot be rendered is an item without HTML, never a 500.
    for (const path of ['/timeline.json', '/timeline.xml', '/timeline', '/']) {
      const res = await get(port, path)
      expect(res.status, path).toBe(200)
    }
    const feed = (await getJson(port, '/timeline.json')).body
    const quotes = feed.items.find((i: any) => i._syncweb.path === 'posts/2026-05-02-quotes.md')
    expect(quotes).toBeDefined()
    expect(quotes.content_html ?? '').toBe('')
    const page = await get(port, '/@mallory/posts/2026-05-02-quotes.md')
    expect(page.status).toBe(503)
    expect(page.text).toContain('?raw')
    expect((await get(port, '/@mallory/posts/2026-05-02-quotes.md?raw')).status).toBe(200)
    await vi.waitFor(async () => {
      expect((await problems(port, 'mallory'))['posts/2026-05-02-quotes.md']).toMatch(
        /Markdown nested too deeply/,
      )
    }, waitOpts)

    expect((await get(port, '/@mallory/good.md')).text).toContain('Still here.')
    const titles = feed.items.map((i: any) => i.title ?? i.content_text)
    expect(titles).toContain('Good')
    expect(titles).toContain('good status')
    expect(server.child.exitCode).toBeNull()
    expect(server.output().stderr).not.toMatch(/RangeError|Maximum call stack|FATAL/)
  })

  it('refuses a config nested too deeply with exit code 2, not a crash', async () => {
    const home = await tempDir()
    const config = join(home, 'config.json')
    await writeFile(config, '{"spaces":{},"x":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}')
    const res = await runCli(['spaces', '--config', config], { HOME: home })
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/nested too deeply/)
  })
})

describe('2. a post that is slow to render', () => {
  it('never holds GET / while it lands and is asked for; its page answers 503 (class 2)', async () => {
    const root = await tempDir()
    await writeFiles(join(root, 'slow'), { 'index.html': 'slow' })
    const server = await serve({ slow: join(root, 'slow') }, { parseTimeoutMs: 1000 })
    const { port } = server
    await vi.waitFor(
      async () => expect((await getJson(port, '/api/spaces/slow')).body.status).toBe('ready'),
      waitOpts,
    )
    const home = watchHome(port)
    // 60 KB that marked takes ~20 s over (it is super-linear on such input).
    await writeFile(join(root, 'slow/2026-05-01-slow.md'), dated('a)*'.repeat(20_000)))
    await vi.waitFor(async () => {
      expect((await getJson(port, '/api/spaces/slow')).body.items).toBe(1)
    }, waitOpts)
    let started = performance.now()
    const feed = await get(port, '/timeline.json')
    expect(feed.status).toBe(200)
    expect(performance.now() - started).toBeLessThan(5000)
    started = performance.now()
    const page = await get(port, '/@slow/2026-05-01-slow.md')
    expect(page.status).toBe(503)
    expect(performance.now() - started).toBeLessThan(5000)
    // Known to be too slow: answered at once from now on.
    started = performance.now()
    expect((await get(port, '/@slow/2026-05-01-slow.md')).status).toBe(503)
    expect(performance.now() - started).toBeLessThan(500)
    const slowest = await home.stop()
    console.log(
      `class 2: slowest GET / while the post landed and rendered: ${slowest.toFixed(0)} ms`,
    )
    expect(slowest).toBeLessThan(1000)
    expect(server.child.exitCode).toBeNull()
  })
})

describe('3 and 4. a folder swapped for a symlink while it is read', () => {
  const SECONDS = scaled(4, 6, 30)

  it('serves 0 outside bytes under the race, with and without Range; a FIFO blocks nothing (class 3)', async () => {
    const root = await tempDir()
    const space = join(root, 'racer')
    const outside = join(root, 'outside')
    const inside = Buffer.alloc(100 * 1024, 'i')
    await writeFiles(space, {
      'd/big.bin': inside,
      'd/small.txt': 'inside small',
      'page.md': '# Inside page\n\ninside',
    })
    await writeFiles(outside, {
      'big.bin': Buffer.concat([Buffer.from(OUTSIDE), Buffer.alloc(100 * 1024, 'o')]),
      'small.txt': OUTSIDE,
      'page.md': `# ${OUTSIDE}\n`,
    })
    execFileSync('mkfifo', [join(outside, 'fifo.md')])
    const server = await serve({ racer: space })
    const { port } = server
    await vi.waitFor(
      async () => expect((await getJson(port, '/api/spaces/racer')).body.status).toBe('ready'),
      waitOpts,
    )

    // The friend's side: swap `d` and `page.md` for symlinks out and back, as fast as it can.
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); process.chdir(${JSON.stringify(space)});
         const end = Date.now() + ${SECONDS * 1000}; let i = 0
         const targets = ${JSON.stringify([join(outside, 'page.md'), join(outside, 'fifo.md')])}
         while (Date.now() < end) {
           fs.renameSync('d', 'd-real'); fs.symlinkSync(${JSON.stringify(outside)}, 'd')
           fs.unlinkSync('d'); fs.renameSync('d-real', 'd')
           fs.renameSync('page.md', 'page-real'); fs.symlinkSync(targets[i++ % 2], 'page.md')
           fs.unlinkSync('page.md'); fs.renameSync('page-real', 'page.md')
         }`,
      ],
      { stdio: 'ignore' },
    )
    cleanup(() => swapper.kill())
    const swapped = new Promise((resolve) => swapper.on('exit', resolve))
    const agent = new Agent({ keepAlive: true, maxSockets: 16 })
    cleanup(() => agent.destroy())
    // Listings and ETags must not tell an outside file's size either.
    const paths = ['/@racer/d/big.bin', '/@racer/d/small.txt', '/@racer/page.md', '/@racer/d/']
    const outsideSize = [`"size":${OUTSIDE.length + 100 * 1024}`, `"size":${OUTSIDE.length}`]
    const outsidePageTag = `W/"md-${Buffer.byteLength(`# ${OUTSIDE}\n`).toString(16)}-`
    let responses = 0
    let inside200 = 0
    let leaks = 0
    let running = true
    const home = watchHome(port, 100)
    const client = async (n: number) => {
      while (running) {
        const path = paths[n % paths.length]!
        const range = n % 2 === 0 ? { Range: 'bytes=0-2047' } : {}
        const accept = path.endsWith('/') ? { Accept: 'application/json' } : {}
        const res = await new Promise<{
          status: number
          body: Buffer
          etag: string
        }>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path,
              agent,
              headers: { Host: `127.0.0.1:${port}`, ...range, ...accept },
            },
            (r) => {
              const chunks: Buffer[] = []
              r.on('data', (c: Buffer) => chunks.push(c))
              r.on('end', () =>
                resolve({
                  status: r.statusCode!,
                  body: Buffer.concat(chunks),
                  etag: String(r.headers.etag ?? ''),
                }),
              )
              r.on('error', reject)
            },
          )
          req.on('error', reject)
          req.end()
        }).catch(() => undefined)
        if (!res) continue
        responses++
        const text = res.body.toString()
        if (
          text.includes(OUTSIDE) ||
          text.includes('oooooooo') ||
          outsideSize.some((size) => text.includes(size)) ||
          res.etag.startsWith(outsidePageTag)
        )
          leaks++
        else if (res.status === 200 || res.status === 206) inside200++
      }
    }
    const clients = Array.from({ length: 16 }, (_, n) => client(n))
    await swapped
    running = false
    await Promise.all(clients)
    const slowest = await home.stop()
    console.log(
      `class 3: ${responses} responses under the race (${inside200} served from inside), ${leaks} with outside bytes; slowest GET / ${slowest.toFixed(0)} ms`,
    )
    expect(leaks).toBe(0)
    expect(inside200).toBeGreaterThan(0)
    expect(slowest).toBeLessThan(2000)
    expect(server.child.exitCode).toBeNull()
  })

  it('never indexes a feed through a symlinked folder (class 4)', async () => {
    const root = await tempDir()
    const space = join(root, 'linker')
    const outside = join(root, 'elsewhere')
    await writeFiles(outside, {
      'feed.xml': `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>${OUTSIDE}</title><link>https://x.example/a</link><pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>`,
      'feed.json': `{"items": [${'{'.repeat(3)}`,
    })
    await writeFiles(space, {
      'index.html':
        '<html><head><link rel="alternate" type="application/rss+xml" href="ext/feed.xml"></head></html>',
    })
    await symlink(outside, join(space, 'ext'))
    const server = await serve({ linker: space })
    const { port } = server
    await vi.waitFor(
      async () => expect((await getJson(port, '/api/spaces/linker')).body.status).toBe('ready'),
      waitOpts,
    )
    expect((await get(port, '/@linker/ext/feed.xml')).status).toBe(404)
    expect((await get(port, '/timeline.json')).text).not.toContain(OUTSIDE)
    // A JSON target: the parser's message about the outside file must not reach the API.
    await writeFile(
      join(space, 'index.html'),
      '<html><head><link rel="alternate" type="application/feed+json" href="ext/feed.json"></head></html>',
    )
    // Once the new home page is read, the feed it names is refused as it was through the link.
    await vi.waitFor(
      async () =>
        expect(await problems(port, 'linker')).toEqual({
          'ext/feed.json': 'is not a regular file inside the space',
        }),
      waitOpts,
    )
    const api = await get(port, '/api/spaces/linker')
    expect(api.text).not.toMatch(/JSON|Unexpected|position/)
    expect((await get(port, '/timeline.json')).text).not.toContain(OUTSIDE)
  })
})

describe('5. a page varying a cache key', () => {
  it(
    'keeps RSS growth under 100 MB whatever query strings it adds (class 5)',
    { timeout: 90_000 },
    async () => {
      const root = await tempDir()
      const big = '<p>' + 'word '.repeat(15_000) + '</p>' // ~75 KB of HTML: feeds of ~4 MB
      await writeFiles(
        join(root, 'heavy'),
        Object.fromEntries(
          Array.from({ length: 60 }, (_, i) => [
            `status/${i}.json`,
            JSON.stringify({
              html: big + i,
              date: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
            }),
          ]),
        ),
      )
      const server = await serve({ heavy: join(root, 'heavy') })
      const { port } = server
      const pid = server.child.pid!
      await vi.waitFor(
        async () => expect((await getJson(port, '/api/spaces/heavy')).body.items).toBe(60),
        waitOpts,
      )
      // The same requests without a varying key first, so that the heap has settled.
      for (let n = 0; n < 5; n++) {
        for (const path of [
          '/timeline.json?limit=50',
          '/timeline?limit=50',
          '/timeline.xml?limit=50',
        ])
          await get(port, path)
      }
      const before = rssMb(pid)
      for (let n = 0; n < 70; n++) {
        await get(port, `/timeline.json?limit=50&x=${n}`)
        await get(port, `/timeline?limit=50&x=${n}`)
        await get(port, `/timeline.xml?limit=50&x=${n}`)
      }
      const after = rssMb(pid)
      console.log(`class 5: RSS ${before} MB → ${after} MB after 210 varied feed requests`)
      expect(after - before).toBeLessThan(100)
    },
  )
})

describe('6. listing a huge folder', () => {
  const FILES = scaled(30_000, 30_000, 100_000)

  it('answers 20 concurrent listings without holding other requests (class 6)', async () => {
    const root = await tempDir()
    const space = join(root, 'hoard')
    await mkdir(join(space, 'many'), { recursive: true })
    execFileSync('sh', [
      '-c',
      `cd "${join(space, 'many')}" && seq -f 'file-%.0f.txt' 1 ${FILES} | xargs touch`,
    ])
    const server = await serve({ hoard: space })
    const { port } = server
    await vi.waitFor(
      async () => expect((await getJson(port, '/api/spaces/hoard')).body.status).toBe('ready'),
      { timeout: 60_000, interval: 200 },
    )
    const home = watchHome(port)
    const started = performance.now()
    const listings = await Promise.all(
      Array.from({ length: 20 }, () => get(port, '/@hoard/many/', { Accept: 'application/json' })),
    )
    const took = performance.now() - started
    const slowest = await home.stop()
    console.log(
      `class 6: 20 concurrent listings of ${FILES} files in ${took.toFixed(0)} ms; slowest GET / ${slowest.toFixed(0)} ms`,
    )
    for (const res of listings) {
      expect(res.status).toBe(200)
      expect(res.headers['x-syncweb-listing-total']).toBe(String(FILES))
      expect(JSON.parse(res.text)[0].name).toBe('file-1.txt')
    }
    expect(slowest).toBeLessThan(1000)
  })
})

describe('an error other than a miss', () => {
  it('answers 500 with a log line when the gateway runs out of file descriptors', async () => {
    const root = await tempDir()
    await writeFiles(join(root, 'plain'), { 'big.bin': Buffer.alloc(200 * 1024, 1) })
    const home = await tempDir()
    const config = join(home, 'config.json')
    await writeFile(config, JSON.stringify({ spaces: { plain: { path: join(root, 'plain') } } }))
    // 128: Node opens the gateway's modules many at a time while it starts.
    const server = await serveCli(['--config', config], { HOME: home }, ['prlimit', '--nofile=128'])
    const { port } = server
    await vi.waitFor(
      async () => expect((await getJson(port, '/api/spaces/plain')).body.status).toBe('ready'),
      waitOpts,
    )
    // The error page's template is read at its first use: read it while there are descriptors.
    expect((await get(port, '/@plain/missing')).status).toBe(404)
    // Hold connections until the gateway cannot accept another: its descriptors are used up.
    const sockets: Socket[] = []
    cleanup(() => sockets.forEach((s) => s.destroy()))
    for (let i = 0; i < 160; i++) {
      const socket = connect(port, '127.0.0.1')
      const answered = await new Promise<boolean>((resolve) => {
        socket.once('data', () => resolve(true))
        socket.once('error', () => resolve(false))
        socket.once('close', () => resolve(false))
        socket.write(`GET /_/style.css HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
        setTimeout(() => resolve(false), 2000)
      })
      if (!answered) break
      sockets.push(socket)
    }
    const first = sockets[0]!
    const status = await new Promise<number>((resolve) => {
      let text = ''
      first.removeAllListeners('data')
      first.on('data', (d) => {
        text += d
        const m = /HTTP\/1\.1 (\d{3})/.exec(text)
        if (m) resolve(Number(m[1]))
      })
      first.write(`GET /@plain/big.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    })
    expect(status).toBe(500)
    await vi.waitFor(
      () => expect(server.output().stderr).toMatch(/GET \/@plain\/big\.bin failed: Error: EMFILE/),
      waitOpts,
    )
    expect(server.output().stderr).not.toMatch(/\.eta/)
  })
})

describe.runIf(process.getuid?.() === 0)('a folder inside a space that cannot be read', () => {
  // Root reads everything: the gateway runs as nobody here, as a user's gateway would.
  it('is listed in its problems, not skipped silently, and comes back when readable', async () => {
    const home = await tempDir()
    await chmod(home, 0o755)
    const space = join(home, 'pal')
    await writeFiles(space, {
      'status/a.json': JSON.stringify({ text: 'open', date: '2026-05-01T00:00:00Z' }),
      'locked/2026-05-01-locked.md': dated('locked'),
    })
    await chmod(join(space, 'locked'), 0o000)
    const config = join(home, 'config.json')
    await writeFile(config, JSON.stringify({ spaces: { pal: { path: space } } }))
    const server = await serveCli(['--config', config], { HOME: home }, [
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
    ])
    const { port } = server
    await vi.waitFor(async () => {
      const found = await problems(port, 'pal')
      expect(found['locked']).toMatch(/folder cannot be read \(permission denied\)/)
      const { body } = await getJson(port, '/api/spaces/pal')
      expect([body.status, body.items]).toEqual(['ready', 1])
      expect(body.degraded).toBeUndefined()
    }, waitOpts)
    await chmod(join(space, 'locked'), 0o755)
    await vi.waitFor(async () => {
      expect((await getJson(port, '/api/spaces/pal')).body.items).toBe(2)
      expect((await problems(port, 'pal'))['locked']).toBeUndefined()
    }, waitOpts)
  })
})

describe('what an attack on the hardening itself found', () => {
  it('answers 200 everywhere for lone surrogates in tags and ids, and cuts huge items', async () => {
    const root = await tempDir()
    await writeFiles(join(root, 'odd'), {
      'status/b.json': '{"text":"tag","tags":["x\\udfff"],"date":"2024-01-02T00:00:00Z"}',
      'status/a.json': '{"id":"a\\ud800b","text":"x","date":"2024-01-01T00:00:00Z"}',
      'status/huge.json': JSON.stringify({
        text: '‹'.repeat(1024 * 1024),
        date: '2024-01-03T00:00:00Z',
      }),
    })
    const server = await serve({ odd: join(root, 'odd') })
    const { port } = server
    await vi.waitFor(
      async () => expect((await getJson(port, '/api/spaces/odd')).body.items).toBe(3),
      waitOpts,
    )
    for (const path of ['/', '/timeline', '/timeline.xml', '/timeline.json']) {
      expect((await get(port, path)).status, path).toBe(200)
    }
    const feed = (await getJson(port, '/timeline.json')).body
    const huge = feed.items.find((i: any) => i._syncweb.path === 'status/huge.json')
    expect(huge.content_text.length).toBeLessThanOrEqual(64 * 1024 + 1)
    expect((await problems(port, 'odd'))['status/huge.json']).toMatch(
      /shortened: text is kept to 64 KB/,
    )
    expect(server.output().stderr).not.toMatch(/URIError|failed/)
  })

  it(
    'lets another space’s new file through while one space’s slow files are parsed',
    { timeout: 90_000 },
    async () => {
      const root = await tempDir()
      // Three spaces of slow files: more parse tasks than workers, each of them seconds long.
      const slow = '<p><a href="x/y?z=1">link</a> <b>bold</b> text</p>'.repeat(40_000) // ~0.4 s each
      const slowSpaces: Record<string, string> = {}
      for (const name of ['slow-a', 'slow-b', 'slow-c']) {
        slowSpaces[name] = join(root, name)
        await writeFiles(
          join(root, name),
          Object.fromEntries(
            Array.from({ length: 20 }, (_, i) => [
              `status/${i}.json`,
              JSON.stringify({ html: slow + i }),
            ]),
          ),
        )
      }
      await writeFiles(join(root, 'quick'), { 'index.html': 'quick' })
      const server = await serve({ ...slowSpaces, quick: join(root, 'quick') })
      const { port } = server
      await vi.waitFor(
        async () => expect((await getJson(port, '/api/spaces/quick')).body.status).toBe('ready'),
        waitOpts,
      )
      expect((await getJson(port, '/api/spaces/slow-a')).body.status).toBe('indexing')
      const started = performance.now()
      await mkdir(join(root, 'quick/status'), { recursive: true })
      await writeFile(join(root, 'quick/status/new.json'), JSON.stringify({ text: 'made it' }))
      await vi.waitFor(async () => {
        const feed = (await getJson(port, '/timeline.json?space=quick')).body
        expect(feed.items.map((i: any) => i.content_text)).toEqual(['made it'])
      }, waitOpts)
      const took = performance.now() - started
      console.log(`fairness: a new file in another space arrived after ${took.toFixed(0)} ms`)
      expect(took).toBeLessThan(3000)
      expect((await getJson(port, '/api/spaces/slow-c')).body.status).toBe('indexing')
    },
  )
})

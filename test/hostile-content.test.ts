import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DEFAULT_LIMITS } from '../src/config/limits.js'
import { SECRET } from './fixtures.js'
import { get, getJson, scaled, startGateway, tempDir, writeFiles } from './helpers.js'

// Content crafted to hurt the reader, in a friend's folder. Each file gets a bounded outcome:
// skipped with a reason in `problems`, or indexed and served safely; and the gateway keeps
// answering while it parses (the event loop is watched for the whole file).

const MB = 1024 * 1024
const MANY = scaled(10_000, 20_000, 100_000)
const STATUS = (text: string) => JSON.stringify({ text, date: '2026-03-01T00:00:00Z' })

let port: number
let parent: string
let mallory: string
const loop = monitorEventLoopDelay({ resolution: 10 })
let rssBefore: number

/** Every `problems` entry of mallory, by file. */
async function problems(): Promise<Record<string, string>> {
  const { body } = await getJson(port, '/api/spaces/mallory')
  return Object.fromEntries(body.problems.map((p: any) => [p.file, p.reason]))
}

async function timeline(): Promise<any[]> {
  return (await getJson(port, '/timeline.json?space=mallory&limit=200')).body.items
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file://SECRET_PATH">
]>
<rss version="2.0"><channel><title>&lol9;</title><link>https://mallory.example/</link>
<item><title>Laughs &lol9;</title><link>https://mallory.example/a</link>
<description>&lol9; and &xxe;</description><pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`

const yamlAliasBomb = [
  '---',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'title: Alias bomb',
  'date: 2026-03-01',
  '---',
  '',
  'Body of a bomb.',
].join('\n')

// One huge anchor used as many times as the alias budget allows: a string shared, not copied.
const yamlHugeAnchor = [
  '---',
  `big: &big "${'x'.repeat(2 * MB)}"`,
  `copies: [${Array(90).fill('*big').join(', ')}]`,
  'title: Huge anchor',
  'date: 2026-03-02',
  'tags: *big',
  '---',
  '',
  'Body after a huge anchor.',
].join('\n')

const NAMES = {
  newline: 'status/new\nline.json',
  quotes: `status/"quoted" 'name'.json`,
  script: 'status/<script>alert(1)<script>.json',
  long: `status/${'n'.repeat(250)}.json`, // 255 bytes, the most a name can have
}

beforeAll(async () => {
  parent = await tempDir()
  mallory = join(parent, 'mallory')
  await writeFiles(parent, { 'secret.txt': SECRET })
  await writeFiles(mallory, {
    'status/huge.json': STATUS('x'.repeat(50 * MB)),
    'status/deep-array.json': '['.repeat(1_000_000) + ']'.repeat(1_000_000),
    'status/deep-object.json': '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000),
    'status/deep-html.json': JSON.stringify({
      html: '<div>'.repeat(100_000) + 'deep' + '</div>'.repeat(100_000),
      date: '2026-03-01T00:00:00Z',
    }),
    'status/invalid-utf8.json': Buffer.concat([
      Buffer.from('{"text":"bad '),
      Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
      Buffer.from(' bytes","date":"2026-03-03T00:00:00Z"}'),
    ]),
    'status/zero.json': '',
    'posts/zero.md': '',
    'zero.txt': '',
    'twtxt.txt': '2026-03-04T00:00:00Z\t' + 'a'.repeat(10 * MB),
    'posts/2026-03-01-alias-bomb.md': yamlAliasBomb,
    'posts/2026-03-02-huge-anchor.md': yamlHugeAnchor,
    'posts/2026-03-03-invalid-utf8.md': Buffer.concat([
      Buffer.from('---\ntitle: Bad bytes\n---\n\nText '),
      Buffer.from([0xff, 0xc3, 0x28, 0xa0]),
      Buffer.from(' end.\n'),
    ]),
    'feed.xml': billionLaughs.replace('SECRET_PATH', join(parent, 'secret.txt')),
    [NAMES.newline]: STATUS('newline name'),
    [NAMES.quotes]: STATUS('quoted name'),
    [NAMES.script]: STATUS('script name'),
    [NAMES.long]: STATUS('long name'),
  })
  // 200 levels of folders, a file at the bottom.
  const deep = join(mallory, ...Array(200).fill('d'))
  await mkdir(deep, { recursive: true })
  await writeFile(join(deep, 'bottom.txt'), 'the bottom')
  await mkdir(join(deep, 'status'))
  await writeFile(join(deep, 'status', 'deep.json'), STATUS('too deep to index'))
  // Symlink loops, to a folder and to itself.
  await symlink(mallory, join(mallory, 'loop-up'))
  await symlink(join(mallory, 'self'), join(mallory, 'self'))
  await symlink(join(mallory, 'status'), join(mallory, 'status', 'again'))
  // Many files in one folder.
  const many = join(mallory, 'many')
  await mkdir(many)
  for (let i = 0; i < MANY; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, MANY - i) }, (_, j) =>
        writeFile(join(many, `${String(i + j).padStart(6, '0')}.txt`), `file ${i + j}`),
      ),
    )
  }

  rssBefore = process.memoryUsage().rss
  loop.enable()
  const server = await startGateway([{ name: 'mallory', root: mallory }], {
    limits: { ...DEFAULT_LIMITS, parseTimeoutMs: 2000 },
  })
  port = server.port
  await server.state.index.ready()
  loop.disable()
}, 120_000)

afterAll(() => loop.disable())

describe('hostile content, on the first scan', () => {
  it('indexes the good files and gives every bad one a reason', async () => {
    const found = await problems()
    expect(found['status/huge.json']).toMatch(/50\.0 MB, over the 4\.0 MB limit/)
    expect(found['twtxt.txt']).toMatch(/10\.0 MB, over the 4\.0 MB limit/)
    expect(found['status/deep-array.json']).toMatch(/JSON object|JSON/)
    expect(found['status/deep-object.json']).toMatch(/nested too deeply \(over 64 levels\)/)
    expect(found['status/zero.json']).toMatch(/not valid JSON/)
    expect(found['feed.xml']).toMatch(/External entities are not supported/)
    // htmlparser2 is quadratic in nesting depth: this one would hold a worker for 9 s.
    expect(found['status/deep-html.json']).toMatch(/HTML nested too deeply \(over 256 levels\)/)
    expect(found['posts/2026-03-01-alias-bomb.md']).toMatch(/front matter: .*alias/i)
    expect(found[Array(64).fill('d').join('/')]).toMatch(/nested deeper than 64 levels/)
    const ids = (await timeline()).map((i) => i.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'mallory:status/invalid-utf8.json',
        `mallory:${NAMES.newline}`,
        `mallory:${NAMES.quotes}`,
        `mallory:${NAMES.script}`,
        `mallory:${NAMES.long}`,
        'mallory:posts/2026-03-02-huge-anchor.md',
        'mallory:posts/2026-03-03-invalid-utf8.md',
      ]),
    )
    expect(ids).not.toContain('mallory:posts/zero.md')
  })

  it('never expands XML entities nor reads external ones', async () => {
    const text = JSON.stringify(await timeline())
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('lollollol')
    // The same feed without the external entity: parsed, its entities left unexpanded.
    await writeFile(
      join(mallory, 'feed.xml'),
      billionLaughs.replace(/.*xxe.*\n/, '').replace(' and &xxe;', ''),
    )
    await vi.waitFor(async () => expect((await problems())['feed.xml']).toBeUndefined(), {
      timeout: 10_000,
    })
    const items = JSON.stringify(await timeline())
    expect(items).not.toContain('lollollol')
    expect(items.length).toBeLessThan(MB)
  })

  it('replaces invalid UTF-8 rather than failing', async () => {
    const item = (await timeline()).find((i) => i.id === 'mallory:status/invalid-utf8.json')
    expect(item.content_text).toMatch(/^bad \uFFFD+ bytes$/)
    const page = await get(port, '/@mallory/posts/2026-03-03-invalid-utf8')
    expect(page.status).toBe(200)
    expect(page.text).toContain('\uFFFD')
  })

  it('keeps huge anchors shared, not copied, and the item small', async () => {
    const item = (await timeline()).find((i) => i.id === 'mallory:posts/2026-03-02-huge-anchor.md')
    expect(item.title).toBe('Huge anchor')
    expect(item.tags ?? []).toEqual([]) // a 2 MB "tag" is not a tag
    expect(JSON.stringify(item).length).toBeLessThan(10_000)
  })

  it('serves and lists files with hostile names, escaped', async () => {
    const listing = await get(port, '/@mallory/status/')
    expect(listing.status).toBe(200)
    expect(listing.text).not.toContain('<script>alert(1)')
    expect(listing.text).toContain('&lt;script&gt;alert(1)&lt;script&gt;.json')
    for (const [name, text] of [
      [NAMES.newline, 'newline name'],
      [NAMES.quotes, 'quoted name'],
      [NAMES.script, 'script name'],
      [NAMES.long, 'long name'],
    ] as const) {
      const path = '/@mallory/' + name.split('/').map(encodeURIComponent).join('/')
      const res = await get(port, path)
      expect(res.status, name).toBe(200)
      expect(res.text).toContain(text)
    }
    const json = await getJson(port, '/@mallory/status/')
    expect(json.body.map((e: any) => e.name)).toContain('new\nline.json')
  })

  it('serves a zero-byte file as an empty 200', async () => {
    const res = await get(port, '/@mallory/zero.txt')
    expect(res.status).toBe(200)
    expect(res.headers['content-length']).toBe('0')
  })

  it('serves files 200 levels down, and indexes none below 64', async () => {
    const res = await get(port, '/@mallory/' + 'd/'.repeat(200) + 'bottom.txt')
    expect(res.status).toBe(200)
    expect(res.text).toBe('the bottom')
    expect((await timeline()).map((i) => i.id).join()).not.toContain('deep.json')
  })

  it('walks symlink loops neither when indexing nor when serving', async () => {
    // A link to itself is a miss; links back up inside the space resolve to the real file once.
    expect((await get(port, '/@mallory/self')).status).toBe(404)
    const again = await get(port, '/@mallory/status/again/again/again/again/zero.json')
    expect(again.status).toBe(200)
    expect(again.headers['content-length']).toBe('0')
    expect((await get(port, '/@mallory/loop-up/loop-up/loop-up/zero.txt')).status).toBe(200)
    const ids = (await timeline()).map((i) => i.id)
    expect(ids.filter((id) => id.includes('again/') || id.includes('loop-up/'))).toEqual([])
  })

  it(`lists a folder of ${MANY.toLocaleString('en')} files: the first 5,000, and says so`, async () => {
    const started = performance.now()
    const res = await getJson(port, '/@mallory/many/')
    expect(res.status).toBe(200)
    expect(res.body.length).toBe(5000)
    expect(res.headers['x-syncweb-listing-total']).toBe(String(MANY))
    const page = await get(port, '/@mallory/many/')
    expect(page.status).toBe(200)
    expect(page.text).toContain('000000.txt')
    expect(page.text).not.toContain('005000.txt')
    expect(page.text).toContain(
      `Showing the first 5,000 of ${MANY.toLocaleString('en')} entries in this folder.`,
    )
    console.log(`listing ${MANY} files twice: ${Math.round(performance.now() - started)} ms`)
  })

  it('used bounded memory and kept the event loop free while indexing all this', () => {
    const grown = (process.memoryUsage().rss - rssBefore) / MB
    const maxDelay = loop.max / 1e6
    console.log(
      `first scan: RSS +${grown.toFixed(0)} MB, longest event-loop stall ${maxDelay.toFixed(0)} ms`,
    )
    expect(grown).toBeLessThan(400)
    expect(maxDelay).toBeLessThan(500)
  })
})

describe('hostile content arriving while served', () => {
  // Files just under the parse limit, each as slow to parse as we could make it.
  const heavy = {
    'twtxt.txt':
      '2026-03-04T00:00:00Z\t' + '@<'.repeat(1.5 * MB) + '\n2026-03-05T00:00:00Z\tstill here\n',
    'status/heavy-html.json': JSON.stringify({
      html: '<p><a href="x">link</a> <b>bold</b> <img src="a.png"></p>'.repeat(60_000),
      date: '2026-03-06T00:00:00Z',
    }),
    'posts/2026-03-07-heavy.md':
      '---\ntitle: Heavy\n---\n\n' + '* [link](x) **bold** _em_ `code`\n'.repeat(100_000),
    'status/one-line.json': STATUS('z'.repeat(3.5 * MB)),
  }

  it('keeps answering requests while each is parsed', async () => {
    for (const [name, content] of Object.entries(heavy)) {
      expect(Buffer.byteLength(content), name).toBeLessThan(DEFAULT_LIMITS.maxParseBytes)
      const latencies: number[] = []
      let probing = true
      const probe = (async () => {
        while (probing) {
          const started = performance.now()
          expect((await get(port, '/@mallory/zero.txt')).status).toBe(200)
          latencies.push(performance.now() - started)
          await new Promise((r) => setTimeout(r, 10))
        }
      })()
      loop.reset()
      loop.enable()
      await writeFile(join(mallory, name), content)
      await vi.waitFor(
        async () => {
          const { body } = await getJson(port, '/api/spaces/mallory')
          const indexed = (await timeline()).some((i) => i.id.startsWith(`mallory:${name}`))
          expect(indexed || body.problems.some((p: any) => p.file === name)).toBe(true)
        },
        { timeout: 30_000, interval: 100 },
      )
      loop.disable()
      probing = false
      await probe
      const worst = Math.max(...latencies)
      console.log(
        `${name}: ${latencies.length} requests answered while parsing, slowest ${worst.toFixed(0)} ms, event loop stalled ${(loop.max / 1e6).toFixed(0)} ms at most`,
      )
      expect(worst, name).toBeLessThan(500)
    }
    const ids = (await timeline()).map((i) => i.id)
    expect(ids.some((id) => id.includes('twtxt.txt#2026-03-05'))).toBe(true)
  }, 120_000)
})

describe('a slow file among many, on a scan that uses the worker threads', () => {
  it('skips that one file and indexes every other one of its batch', async () => {
    const root = await tempDir()
    const files: Record<string, string> = {}
    // 600 files first, so that the scan hands the folder below to the workers in batches…
    for (let i = 0; i < 600; i++) files[`status/${i}.json`] = STATUS(`status ${i}`)
    // …where one file among 100 hangs its worker past the deadline.
    for (let i = 0; i < 100; i++) files[`status/zz/${i}.json`] = STATUS(`late ${i}`)
    // 4 MB of links and emphasis: ~0.85 s of sanitize-html, linear, and past a 200 ms deadline.
    files['status/zz/slow.json'] = JSON.stringify({
      html: '<p><a href="x/y?z=1">link</a> <b>bold</b> text</p>'.repeat(80_000),
    })
    await writeFiles(root, files)
    const server = await startGateway([{ name: 'many', root }], {
      limits: { ...DEFAULT_LIMITS, parseTimeoutMs: 200 },
    })
    await server.state.index.ready()
    const { body } = await getJson(server.port, '/api/spaces/many')
    expect(body.problems).toEqual([
      { file: 'status/zz/slow.json', reason: 'was skipped: it took over 0.2 s to parse' },
    ])
    expect(body.items).toBe(700)
  }, 60_000)
})

import { utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_CSP } from '../src/http/headers.js'
import { makeSpaces } from './fixtures.js'
import { get, startGateway } from './helpers.js'

let port: number
let alice: string
let ready: () => Promise<void>

beforeAll(async () => {
  const dirs = await makeSpaces()
  alice = dirs.alice
  const server = await startGateway([
    { name: 'alice', root: dirs.alice, title: "Alice's garden" },
    { name: 'bob', root: dirs.bob },
    { name: 'gone', root: dirs.missing },
  ])
  port = server.port
  ready = () => server.state.index.ready()
})

const html = { Accept: 'text/html' }

describe('files', () => {
  it('serves /@alice/style.css as-is with its type', async () => {
    const res = await get(port, '/@alice/style.css')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(res.text).toBe('body { color: green }')
  })

  it.each([
    ['/@alice/data.json', 'application/json; charset=utf-8'],
    ['/@alice/media/pic.png', 'image/png'],
    ['/@alice/media/song.mp3', 'audio/mpeg'],
    ['/@alice/range.bin', 'application/octet-stream'],
    ['/@alice/f%C3%BCnke.txt', 'text/plain; charset=utf-8'],
  ])('serves %s as %s', async (path, type) => {
    const res = await get(port, path)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(type)
  })

  it('serves a file whose name has a space', async () => {
    const res = await get(port, '/@alice/with%20space.md?raw')
    expect(res.status).toBe(200)
    expect(res.text).toContain('# Spaced out')
  })

  it('serves an empty file', async () => {
    const res = await get(port, '/@alice/empty.txt')
    expect(res.status).toBe(200)
    expect(res.headers['content-length']).toBe('0')
  })

  it('follows a symlink that stays inside the space', async () => {
    expect((await get(port, '/@alice/link-inside.css')).text).toBe('body { color: green }')
    expect((await get(port, '/@alice/notes-link/a.txt')).text).toBe('a')
  })

  it('serves Syncthing conflict copies (they are only kept out of the index)', async () => {
    const res = await get(port, '/@alice/note.sync-conflict-20261101-101010-ABCDEFG.md?raw')
    expect(res.status).toBe(200)
  })

  it('names are case-insensitive: /@Alice/ is alice', async () => {
    expect((await get(port, '/@Alice/style.css')).status).toBe(200)
  })
})

describe('HTTP semantics', () => {
  it('sends ETag, Last-Modified, Cache-Control: no-cache and Accept-Ranges', async () => {
    const res = await get(port, '/@alice/style.css')
    expect(res.headers.etag).toMatch(/^W\/".+"$/)
    expect(new Date(res.headers['last-modified']!).getTime()).toBeGreaterThan(0)
    expect(res.headers['cache-control']).toBe('no-cache')
    expect(res.headers['accept-ranges']).toBe('bytes')
  })

  it('answers If-None-Match with 304 and no body', async () => {
    const { headers } = await get(port, '/@alice/style.css')
    const res = await get(port, '/@alice/style.css', { 'If-None-Match': headers.etag! })
    expect(res.status).toBe(304)
    expect(res.body.length).toBe(0)
    expect(res.headers.etag).toBe(headers.etag)
  })

  it('answers If-Modified-Since with 304, and 200 once the file changed', async () => {
    const { headers } = await get(port, '/@alice/fünke.txt'.replace('ü', '%C3%BC'))
    const since = { 'If-Modified-Since': headers['last-modified']! }
    expect((await get(port, '/@alice/f%C3%BCnke.txt', since)).status).toBe(304)
    const later = new Date(Date.now() + 5000)
    await utimes(join(alice, 'fünke.txt'), later, later)
    expect((await get(port, '/@alice/f%C3%BCnke.txt', since)).status).toBe(200)
  })

  it('answers a single Range with 206 and Content-Range', async () => {
    const res = await get(port, '/@alice/range.bin', { Range: 'bytes=10-19' })
    expect(res.status).toBe(206)
    expect(res.headers['content-range']).toBe('bytes 10-19/1000')
    expect(res.headers['content-length']).toBe('10')
    expect([...res.body]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
  })

  it('answers a suffix Range (the last 5 bytes)', async () => {
    const res = await get(port, '/@alice/range.bin', { Range: 'bytes=-5' })
    expect(res.status).toBe(206)
    expect(res.headers['content-range']).toBe('bytes 995-999/1000')
  })

  it('answers an unsatisfiable Range with 416 and the size', async () => {
    const res = await get(port, '/@alice/range.bin', { Range: 'bytes=5000-6000' })
    expect(res.status).toBe(416)
    expect(res.headers['content-range']).toBe('bytes */1000')
  })

  it('ignores a malformed Range and sends the whole file', async () => {
    const res = await get(port, '/@alice/range.bin', { Range: 'bytes=abc' })
    expect(res.status).toBe(200)
    expect(res.body.length).toBe(1000)
  })

  it('ignores Range when If-Range names an older date', async () => {
    const res = await get(port, '/@alice/range.bin', {
      Range: 'bytes=0-1',
      'If-Range': new Date(0).toUTCString(),
    })
    expect(res.status).toBe(200)
  })

  it('answers HEAD with headers and no body', async () => {
    const res = await get(port, '/@alice/range.bin', {}, 'HEAD')
    expect(res.status).toBe(200)
    expect(res.headers['content-length']).toBe('1000')
    expect(res.body.length).toBe(0)
  })

  it('refuses writes to a space with 405', async () => {
    const res = await get(port, '/@alice/style.css', {}, 'POST')
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD')
  })
})

describe('Markdown', () => {
  it('renders a post with its front matter title, date, tags and highlighted code', async () => {
    const res = await get(port, '/@alice/post.md', html)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.text).toContain('<h1>Hello &lt;World&gt;</h1>')
    expect(res.text).toContain('<time datetime="2026-05-01T10:00:00.000Z">May 1, 2026</time>')
    expect(res.text).toContain('#one')
    expect(res.text).toContain('<h2 id="second-heading">Second heading</h2>')
    expect(res.text).toContain('<span class="hljs-keyword">const</span>')
    expect(res.text).toContain('<table>')
  })

  it('links back to the space and to the timeline', async () => {
    const res = await get(port, '/@alice/post.md', html)
    expect(res.text).toContain('href="/@alice/"')
    expect(res.text).toContain('href="/timeline"')
  })

  it('titles a page without front matter by its first heading', async () => {
    const res = await get(port, '/@alice/page.md', html)
    expect(res.text).toContain('<title>A page without a date · syncweb</title>')
  })

  it('shows a page whose front matter is broken, with a note', async () => {
    const res = await get(port, '/@alice/broken-front.md', html)
    expect(res.status).toBe(200)
    expect(res.text).toContain('Still shown.')
    expect(res.text).toContain('class="warning"')
  })

  it('escapes a file name with angle brackets', async () => {
    const res = await get(port, '/@alice/%3Cb%3E.md', html)
    expect(res.status).toBe(200)
    expect(res.text).not.toContain('<b>.md')
  })

  it('returns the source for ?raw as text/markdown', async () => {
    const res = await get(port, '/@alice/post.md?raw')
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8')
    expect(res.text.startsWith('---\ntitle: Hello <World>')).toBe(true)
  })

  it('revalidates a rendered page with its ETag', async () => {
    const first = await get(port, '/@alice/page.md', html)
    expect(first.headers.etag).toBeDefined()
    const again = await get(port, '/@alice/page.md', {
      ...html,
      'If-None-Match': first.headers.etag!,
    })
    expect(again.status).toBe(304)
  })
})

describe('folders', () => {
  it('redirects /@alice to /@alice/', async () => {
    const res = await get(port, '/@alice?x=1')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/@alice/?x=1')
  })

  it('redirects a folder without its trailing slash, keeping the query', async () => {
    const res = await get(port, '/@alice/notes?sort=1')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/@alice/notes/?sort=1')
  })

  it('serves index.html for /@alice/', async () => {
    const res = await get(port, '/@alice/')
    expect(res.text).toContain('<title>Alice</title>')
  })

  it('serves index.htm, and index.md rendered', async () => {
    expect((await get(port, '/@alice/site/')).text).toBe('<p>htm index</p>')
    const docs = await get(port, '/@alice/docs/', html)
    expect(docs.text).toContain('<h1 id="docs-index">Docs index</h1>')
  })

  it('lists a folder without an index: folders first, hidden and partial files left out', async () => {
    const res = await get(port, '/@alice/notes/', html)
    expect(res.status).toBe(200)
    const names = [...res.text.matchAll(/class="name (?:file|folder)">([^<]+)</g)].map((m) => m[1])
    expect(names).toEqual(['sub/', 'a.txt', 'b.txt'])
  })

  it('lists a folder as JSON when asked for JSON', async () => {
    const res = await get(port, '/@alice/notes/', { Accept: 'application/json' })
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const entries = JSON.parse(res.text) as Array<Record<string, unknown>>
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['sub', 'folder', 0],
      ['a.txt', 'file', 1],
      ['b.txt', 'file', 2],
    ])
    expect(Date.parse(entries[1]!.modified as string)).toBeGreaterThan(0)
  })

  it('shows media files with inline players in a listing', async () => {
    const res = await get(port, '/@alice/media/', html)
    expect(res.text).toContain('<audio controls preload="none" src="song.mp3">')
    expect(res.text).toContain('<video controls preload="metadata" src="clip.mp4">')
    expect(res.text).toContain('<img class="preview" src="pic.png"')
  })

  it('says an empty folder is empty', async () => {
    expect((await get(port, '/@alice/emptydir/', html)).text).toContain('This folder is empty.')
  })

  it('lists symlinks only when they stay inside the space; never FIFOs or loops', async () => {
    const res = await get(port, '/@alice/links/', { Accept: 'application/json' })
    const names = (JSON.parse(res.text) as Array<{ name: string }>).map((e) => e.name)
    expect(names).toEqual(['inside.css'])
  })
})

describe('clean URLs and misses', () => {
  it('serves /@alice/about from about.html', async () => {
    expect((await get(port, '/@alice/about')).text).toBe('<p>about page</p>')
  })

  it('serves /@alice/guide from guide.md, rendered', async () => {
    const res = await get(port, '/@alice/guide', html)
    expect(res.text).toContain('clean url markdown')
  })

  it("answers a miss with the space's own 404.html and status 404", async () => {
    const res = await get(port, '/@alice/no/such/page')
    expect(res.status).toBe(404)
    expect(res.text).toBe('<h1>Alice has no such page</h1>')
  })

  it('answers a miss in a space without 404.html with the gateway page', async () => {
    const res = await get(port, '/@bob/nope', html)
    expect(res.status).toBe(404)
    expect(res.text).toContain('Nothing here')
  })

  it('answers an unknown space with 404 and how to follow it', async () => {
    const res = await get(port, '/@nobody/', html)
    expect(res.status).toBe(404)
    expect(res.text).toContain('syncweb follow nobody FOLDER')
  })

  it('answers JSON clients with the JSON error shape', async () => {
    const res = await get(port, '/@nobody/', { Accept: 'application/json' })
    expect(JSON.parse(res.text)).toEqual({
      error: { code: 'no_such_space', message: 'No space named nobody' },
    })
  })

  it('reports a space whose folder is missing with 503, and keeps serving the others', async () => {
    const res = await get(port, '/@gone/', html)
    expect(res.status).toBe(503)
    expect(res.text).toContain('The folder of gone is missing')
    expect((await get(port, '/@alice/style.css')).status).toBe(200)
  })
})

describe('home page', () => {
  it('lists the spaces with title, status and a link to their own origin', async () => {
    const res = await get(port, '/', html)
    expect(res.status).toBe(200)
    expect(res.text).toContain('Alice&#39;s garden')
    expect(res.text).toContain(`href="http://alice.localhost:${port}/"`)
    expect(res.text).toMatch(/class="space offline"[\s\S]*?@gone/)
    expect(res.text).toContain('folder missing:')
    expect(res.headers['content-security-policy']).toContain("default-src 'self'")
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'")
  })

  it('serves the stylesheet from /_/ with a strong ETag', async () => {
    const res = await get(port, '/_/style.css')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8')
    const again = await get(port, '/_/style.css', { 'If-None-Match': res.headers.etag! })
    expect(again.status).toBe(304)
  })
})

describe('origins', () => {
  it('redirects a browser navigation to /@alice/PATH to alice.localhost, query kept', async () => {
    const res = await get(port, '/@alice/notes/a.txt?x=1', { 'Sec-Fetch-Mode': 'navigate' })
    expect(res.status).toBe(307)
    expect(res.headers.location).toBe(`http://alice.localhost:${port}/notes/a.txt?x=1`)
  })

  it('redirects a navigation to /@alice straight to the space origin', async () => {
    const res = await get(port, '/@alice', { 'Sec-Fetch-Mode': 'navigate' })
    expect(res.headers.location).toBe(`http://alice.localhost:${port}/`)
  })

  it('answers tools and embedded media directly, with the sandbox CSP and nosniff', async () => {
    for (const mode of [undefined, 'no-cors', 'cors']) {
      const res = await get(port, '/@alice/', mode ? { 'Sec-Fetch-Mode': mode } : {})
      expect(res.status).toBe(200)
      expect(res.headers['content-security-policy']).toBe(SANDBOX_CSP)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
    }
  })

  it('sandboxes rendered Markdown, listings and errors under /@NAME/ too', async () => {
    for (const path of ['/@alice/post.md', '/@alice/notes/', '/@bob/nope', '/@alice/nope']) {
      const res = await get(port, path, html)
      expect(res.headers['content-security-policy'], path).toBe(SANDBOX_CSP)
    }
  })

  it('serves the space at the root of alice.localhost, unsandboxed', async () => {
    const host = { Host: `alice.localhost:${port}` }
    const res = await get(port, '/style.css', host)
    expect(res.text).toBe('body { color: green }')
    expect(res.headers['content-security-policy']).toBeUndefined()
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect((await get(port, '/notes', host)).headers.location).toBe('/notes/')
  })

  it('has no gateway routes on alice.localhost: /@bob/x is a path inside alice', async () => {
    const host = { Host: `alice.localhost:${port}` }
    expect((await get(port, '/@bob/private.txt', host)).status).toBe(404)
    expect((await get(port, '/_/style.css', host)).status).toBe(404)
  })

  it("loads the gateway's assets from the gateway origin on a space's rendered pages", async () => {
    const res = await get(port, '/post.md', { Host: `alice.localhost:${port}`, ...html })
    expect(res.text).toContain(`href="http://localhost:${port}/_/style.css"`)
    expect(res.text).toContain(`href="http://localhost:${port}/timeline"`)
    expect(res.text).toContain('href="/"')
  })

  it('turns the redirect off with "isolation": "sandbox"', async () => {
    const dirs = await makeSpaces()
    const server = await startGateway([{ name: 'alice', root: dirs.alice }], {
      isolation: 'sandbox',
    })
    const res = await get(server.port, '/@alice/', { 'Sec-Fetch-Mode': 'navigate' })
    expect(res.status).toBe(200)
    expect(res.headers['content-security-policy']).toBe(SANDBOX_CSP)
    const home = await get(server.port, '/', html)
    expect(home.text).toContain('href="/@alice/"')
  })
})

describe('answers from memory', () => {
  // From the second request on, small files and rendered pages are answered from the resolve
  // cache before the app runs: the answer must be the one the app gave.
  const space = () => ({ Host: `alice.localhost:${port}` })
  it.each([
    ['a small file', '/@alice/style.css', () => ({})],
    ['a small file on the space origin', '/style.css', space],
    ['a rendered post', '/@alice/post.md', () => ({})],
    ['a rendered post on the space origin', '/post.md', space],
  ])('%s: the same answer, and 304 for its ETag', async (_, path, headers) => {
    await ready()
    const first = await get(port, path, headers())
    const second = await get(port, path, headers())
    expect(second.status).toBe(200)
    expect(second.text).toBe(first.text)
    const { date: _d1, ...before } = first.headers
    const { date: _d2, ...after } = second.headers
    expect(after).toEqual(before)
    const revalidated = await get(port, path, {
      ...headers(),
      'If-None-Match': first.headers.etag!,
    })
    expect(revalidated.status).toBe(304)
    expect(revalidated.body.length).toBe(0)
  })

  it('still redirects a browser navigation, and serves ?raw, once a page is cached', async () => {
    await ready()
    await get(port, '/@alice/post.md')
    await get(port, '/@alice/post.md')
    const navigation = await get(port, '/@alice/post.md', { 'Sec-Fetch-Mode': 'navigate' })
    expect(navigation.status).toBe(307)
    const raw = await get(port, '/@alice/post.md?raw')
    expect(raw.headers['content-type']).toBe('text/markdown; charset=utf-8')
    const range = await get(port, '/@alice/style.css', { Range: 'bytes=0-3' })
    expect(range.status).toBe(206)
    expect(range.text).toBe('body')
  })
})

import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { DEFAULT_LIMITS } from '../src/config/limits.js'
import type { RunningServer } from '../src/http/server/server.js'
import { get, getJson, postJson, ROOT, startGateway, tempDir, writeFiles } from './helpers.js'

// Issue 14, points 8-10: the timeline's and the pages' finishing touches, on a real socket.
let server: RunningServer
let port: number
let root: string
const AHEAD = new Date(Date.now() + 3 * 3600_000).toISOString()
// Emoji and pictographs (and the variation selector that makes a symbol an emoji).
const EMOJI = /[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}\u{FE0F}]/u

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1])
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')])
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

beforeAll(async () => {
  root = await tempDir()
  await writeFiles(join(root, 'ada'), {
    'status/tagged.json': JSON.stringify({
      id: 'tagged-1',
      text: 'Seedlings are up',
      tags: ['garden'],
      date: '2026-11-20T10:00:00Z',
    }),
    'status/untagged.json': JSON.stringify({
      id: 'plain-1',
      text: 'Nothing to see',
      date: '2026-11-20T11:00:00Z',
    }),
    // A friend's clock three hours ahead (within the day the index lets through).
    'status/ahead.json': JSON.stringify({ id: 'ahead-1', text: 'From the future', date: AHEAD }),
  })
  await writeFiles(join(root, 'bob'), {
    'posts/twice.md':
      '---\ntitle: Said twice\ndate: 2026-11-19\ntags: [clocks, repair]\n---\n\n# Said twice\n\nThe body.\n',
    'notes/a.txt': 'a',
  })
  await writeFiles(join(root, 'empty'), { 'index.html': '<p>Just a page</p>' })
  server = await startGateway(
    [
      { name: 'ada', root: join(root, 'ada') },
      { name: 'bob', root: join(root, 'bob') },
      { name: 'empty', root: join(root, 'empty') },
      { name: 'alice', root: join(ROOT, 'examples', 'alice') },
    ],
    { me: 'ada', limits: { ...DEFAULT_LIMITS, maxImageBytes: 4096 } },
  )
  port = server.port
  await server.state.index.ready()
})

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await get(port, path, headers)
  expect(res.status, path).toBe(200)
  return res.text
}

describe('the timeline page', () => {
  it('shows /timeline?tag=garden as a removable chip linking to /timeline', async () => {
    const html = await page('/timeline?tag=garden')
    expect(html).toMatch(/<a class="chip active tag-filter" href="\/timeline"[^>]*>#garden <span/)
    expect(html).toContain('Seedlings are up')
    expect(html).not.toContain('Nothing to see')
    const other = await page('/timeline?tag=garden&space=ada')
    expect(other).toContain('class="chip active tag-filter" href="/timeline?space=ada"')
    expect(await page('/timeline')).not.toContain('tag-filter')
  })

  it('shows an item dated ahead of now as "just now", its date in the tooltip', async () => {
    const html = await page('/timeline')
    const card = html.slice(html.indexOf('data-ref="ahead-1"'))
    const time = /<time datetime="([^"]+)" title="([^"]+)">([^<]+)<\/time>/.exec(card)!
    expect(Date.parse(time[1]!)).toBe(Date.parse(AHEAD))
    expect(time[3]).toBe('just now')
    expect(time[2]).toMatch(/\d{4}.*ahead of this computer’s clock/)
  })

  it('marks only the user’s own status updates for Edit and Delete, and loads the script', async () => {
    const html = await page('/timeline')
    const own = [...html.matchAll(/<article [^>]*data-own[^>]*>/g)].map((m) => m[0])
    expect(own.length).toBe(3)
    for (const tag of own) expect(tag).toContain('data-space="ada"')
    expect(html).toContain('data-text="Seedlings are up"')
    expect(html).toContain('<script src="/_/own-posts.js" defer></script>')
    expect(html).toContain('<script src="/_/compose-image.js" defer></script>')
    // A device that only reads gets neither the script nor a compose box.
    const device = await get(port, '/timeline', { Host: `192.168.1.20:${port}` })
    expect(device.text).not.toContain('own-posts.js')
  })
})

describe('Markdown posts', () => {
  it('show a front matter title once when the body repeats it as # heading', async () => {
    const html = await page('/posts/twice.md', { Host: `bob.localhost:${port}` })
    expect(html.match(/Said twice<\/h1>/g)?.length).toBe(1)
    expect(html).toContain('<p>The body.</p>')
    const feed = await getJson(port, '/timeline.json?space=bob')
    const item = feed.body.items.find((i: any) => i.title === 'Said twice')
    expect(item.content_html).not.toContain('<h1')
    expect(item.content_html).toContain('The body.')
    const atom = await page('/timeline.xml?space=bob')
    expect(atom).not.toContain('&lt;h1')
  })

  it('link their tags to /timeline?tag=… on the post page', async () => {
    const html = await page('/posts/twice.md', { Host: `bob.localhost:${port}` })
    expect(html).toContain(`href="http://localhost:${port}/timeline?tag=clocks">#clocks</a>`)
    expect(html).toContain(`href="http://localhost:${port}/timeline?tag=repair">#repair</a>`)
  })
})

describe('pages of the gateway', () => {
  it('draws folder-listing icons without an emoji font', async () => {
    const html = await page('/notes/', { Host: `bob.localhost:${port}` })
    expect(html).toContain('class="name file"')
    expect(html).not.toMatch(EMOJI)
    const css = (await get(port, '/_/style.css')).text
    const listing = css.slice(css.indexOf('/* Folder listing */'), css.indexOf('.listing audio'))
    expect(listing).toContain('a.name::before')
    expect(listing).not.toMatch(EMOJI)
  })

  it('titles the home page "syncweb", not "syncweb · syncweb"', async () => {
    const html = await page('/')
    expect(html).toContain('<title>syncweb</title>')
    expect(await page('/timeline')).toContain('<title>Timeline · syncweb</title>')
  })

  it('tells a space that is online with no items what it could add, and only that one', async () => {
    const html = await page('/')
    const hints = [...html.matchAll(/<li class="space[\s\S]*?<\/li>/g)]
      .map((m) => m[0])
      .filter((li) => li.includes('No posts found'))
    expect(hints.length).toBe(1)
    expect(hints[0]).toContain('@empty')
    expect(hints[0]).toContain('h-entry markup in its HTML pages')
  })
})

describe('alice’s h-entry blog from examples/', () => {
  it('puts her two blog posts in the timeline, once each, with title, tags and image', async () => {
    const feed = await getJson(port, '/timeline.json?space=alice&kind=post')
    const titles = feed.body.items.map((i: any) => i.title).sort()
    expect(titles).toEqual(['Evening light', 'The tomatoes made it'])
    const tomatoes = feed.body.items.find((i: any) => i.title === 'The tomatoes made it')
    expect(tomatoes.url).toMatch(/\/@alice\/posts\/tomatoes\.html$/)
    expect(tomatoes.tags).toEqual(['garden', 'tomatoes'])
    expect(tomatoes.date_published).toBe('2026-08-14T17:30:00.000Z')
    expect(tomatoes.image).toMatch(/\/@alice\/images\/tomatoes\.svg$/)
    const html = await page('/timeline?space=alice')
    expect(html).toContain('The tomatoes made it')
  })
})

describe('POST /api/posts with an image', () => {
  // Connection: close, since a body refused before it is read leaves its socket unusable.
  const post = (image: Buffer | string, text = 'With a picture') =>
    postJson(
      port,
      '/api/posts',
      { text, image: { name: 'x', data: Buffer.from(image).toString('base64') } },
      server.state.token,
      { Connection: 'close' },
    )

  it('takes PNG, JPEG, GIF and WebP, stored beside the status under the type it proves', async () => {
    for (const [bytes, ext] of [
      [PNG, '.png'],
      [JPEG, '.jpg'],
      [GIF, '.gif'],
      [WEBP, '.webp'],
    ] as const) {
      const res = await post(bytes, `picture ${ext}`)
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      const status = join(root, 'ada', res.body.path)
      const saved = JSON.parse(await readFile(status, 'utf8'))
      expect(saved.image).toBe(
        res.body.path
          .split('/')
          .pop()
          .replace(/\.json$/, ext),
      )
      expect(await readFile(join(status, '..', saved.image))).toEqual(bytes)
    }
    await vi.waitFor(
      async () => {
        const html = await page('/timeline?space=ada')
        expect(html).toMatch(/<img class="item-image" src="\/@ada\/status\/[^"]+\.png"/)
      },
      { timeout: 10_000 },
    )
  })

  it('refuses SVG and anything else that is not one of those, with 415', async () => {
    const files = async () => (await readdir(join(root, 'ada'), { recursive: true })).length
    const before = await files()
    for (const bytes of [SVG, Buffer.from('just text')]) {
      const res = await post(bytes)
      expect(res.status).toBe(415)
      expect(res.body.error.message).toMatch(/PNG, JPEG, GIF or WebP/)
    }
    expect(await files()).toBe(before)
  })

  it('refuses an image over limits.maxImageBytes with 413 and says the limit', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5000)])
    const res = await post(big)
    expect(res.status).toBe(413)
    expect(res.body.error.message).toMatch(/an image is at most 4\.0 KB \(limits\.maxImageBytes\)/)
    const huge = await post(Buffer.concat([PNG, Buffer.alloc(200_000)]))
    expect(huge.status).toBe(413)
    expect(huge.body.error.message).toMatch(/limits\.maxImageBytes/)
  })

  it('still holds the text of a post to limits.maxBodyBytes', async () => {
    const res = await post(PNG, 'x'.repeat(DEFAULT_LIMITS.maxBodyBytes + 10))
    expect(res.status).toBe(413)
    expect(res.body.error.message).toContain('limits.maxBodyBytes')
  })
})

import { parseFeed as parseXmlFeed } from '@rowanmanning/feed-parser'
import { parseJsonFeed } from 'feedsmith'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { get, getJson, ROOT, startGateway, tempDir, writeFiles, writeLikeSync } from './helpers.js'

const HOUR = 3600_000
const iso = (ms: number) => new Date(ms).toISOString()
const status = (text: string, date: number | string, extra: object = {}) =>
  JSON.stringify({ text, date: typeof date === 'number' ? iso(date) : date, ...extra })

let port: number
let dirs: Record<string, string>
const now = Date.now()

beforeAll(async () => {
  const parent = await tempDir()
  dirs = {
    ann: join(parent, 'ann'),
    ben: join(parent, 'ben'),
    cat: join(parent, 'cat'),
    dan: join(parent, 'dan'),
    page: join(parent, 'page'),
  }
  await writeFiles(dirs.ann!, {
    'status/2026/one.json': status('Ann one', now - 5 * HOUR, { tags: ['garden'] }),
    'status/2026/two.json': status('Ann two', now - 4 * HOUR),
    'status/tie-b.json': JSON.stringify({ id: 'tie-b', text: 'tie b', date: iso(now - 3 * HOUR) }),
    'status/tie-a.json': JSON.stringify({ id: 'tie-a', text: 'tie a', date: iso(now - 3 * HOUR) }),
    'status/soon.json': status('In twelve hours', now + 12 * HOUR),
    'status/later.json': status('In two days', now + 48 * HOUR),
    'posts/2026-01-05-hello.md': '# Hello world\n\nFirst *post* of the year.\n',
    'posts/draft.md': '---\ndate: 2026-01-06\ndraft: true\n---\nnot yet',
    'about.md': '# About\n\nA page, not a post.',
    'twtxt.txt': `# follow = cat https://cat.example/twtxt.txt\n${iso(now - 6 * HOUR)}\tA twtxt line #garden\n`,
    'follows.json': JSON.stringify([
      { name: 'Ben', title: "Ben's blog", syncthing: 'abcd-1234' },
      { name: 'zed', url: 'https://zed.example/', resilio: 'BKEY' },
      { name: 'evil', url: 'javascript:alert(1)' },
    ]),
    'status/broken.json': '{ "text": ',
    'status/empty.json': '{}',
    'status/.syncthing.partial.json.tmp': status('never', now),
    'status/c.sync-conflict-20261101-101010-ABCDEFG.json': status('conflict copy', now),
    'posts/bad-front.md': '---\ndate: nope\n---\nx',
  })
  await writeFiles(dirs.ben!, {
    'index.xml': readFileSync(join(ROOT, 'test/fixtures/feeds/hugo-index.xml'), 'utf8'),
    'feed.xml': 'not even xml, and not the feed the home page names',
    'index.html':
      '<html><head><link rel="alternate" type="application/rss+xml" href="/index.xml"></head></html>',
  })
  await writeFiles(dirs.cat!, {
    'feed.xml': readFileSync(join(ROOT, 'test/fixtures/feeds/jekyll-feed.xml'), 'utf8'),
    'twtxt.txt': 'garbage line\n',
    'follows.json': '{"not": "a list"}',
  })
  const many: Record<string, string> = {}
  for (let i = 0; i < 60; i++)
    many[`status/${String(i).padStart(2, '0')}.json`] = status(
      `Page item ${i}`,
      now - (100 + i) * HOUR,
    )
  await writeFiles(dirs.page!, many)
  await writeFiles(dirs.dan!, {
    'status/a.json': status('Dan a', now - 10 * HOUR),
    'status/b.json': status('Dan b', now - 11 * HOUR),
    'status/c.json': status('Dan c', now - 12 * HOUR),
    'status/d.json': status('Dan d', now - 13 * HOUR),
  })

  const server = await startGateway(
    Object.entries(dirs).map(([name, root]) => ({ name, root, title: name.toUpperCase() })),
  )
  port = server.port
  await server.state.index.ready()
})

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id)

describe('/timeline.json', () => {
  it('is a JSON Feed 1.1 with every source', async () => {
    const { status, headers, body } = await getJson(port, '/timeline.json?limit=200')
    expect(status).toBe(200)
    expect(headers['content-type']).toBe('application/feed+json; charset=utf-8')
    expect(body.version).toBe('https://jsonfeed.org/version/1.1')
    expect(body.feed_url).toBe(`http://127.0.0.1:${port}/timeline.json?limit=200`)
    const kinds = new Set(body.items.map((i: any) => `${i._syncweb.space}:${i._syncweb.kind}`))
    expect(kinds).toEqual(
      new Set([
        'ann:status',
        'ann:post',
        'ann:twtxt',
        'ben:feed',
        'cat:feed',
        'dan:status',
        'page:status',
      ]),
    )
  })

  it('sorts newest first, ties by id', async () => {
    const { body } = await getJson(port, '/timeline.json?space=ann')
    expect(ids(body).slice(0, 5)).toEqual([
      'ann:status/soon.json',
      'ann:tie-a',
      'ann:tie-b',
      'ann:status/2026/two.json',
      'ann:status/2026/one.json',
    ])
  })

  it('holds back items dated more than a day ahead', async () => {
    const { body } = await getJson(port, '/timeline.json?space=ann')
    expect(ids(body)).toContain('ann:status/soon.json')
    expect(ids(body)).not.toContain('ann:status/later.json')
  })

  it('leaves out drafts, pages, partial files and conflict copies', async () => {
    const { body } = await getJson(port, '/timeline.json?space=ann&limit=200')
    const all = ids(body).join(' ')
    expect(all).not.toMatch(/draft|about|partial|conflict/)
    expect(ids(body)).toContain('ann:posts/2026-01-05-hello.md')
  })

  it('renders a post in full for feeds', async () => {
    const { body } = await getJson(port, '/timeline.json?space=ann&kind=post')
    expect(body.items[0]).toMatchObject({
      title: 'Hello world',
      summary: 'First post of the year.',
    })
    expect(body.items[0].content_html).toContain('<em>post</em>')
  })

  it('uses the feed the home page names, not the other root feed', async () => {
    const { body } = await getJson(port, '/timeline.json?space=ben')
    expect(body.items.map((i: any) => i.title)).toEqual(['Fixing a dripping tap', 'Hello, Hugo'])
    expect(body.items[0].url).toBe(`http://127.0.0.1:${port}/@ben/posts/dripping-tap/`)
  })

  it('filters by space, kind and tag', async () => {
    // dan's four statuses and cat's one feed entry: both spaces, and nobody else's items.
    const danCat = ids((await getJson(port, '/timeline.json?space=dan,cat')).body)
    expect(danCat.map((id) => id.slice(0, id.indexOf(':'))).sort()).toEqual([
      'cat',
      'dan',
      'dan',
      'dan',
      'dan',
    ])
    const twtxt = (await getJson(port, '/timeline.json?kind=twtxt')).body
    expect(twtxt.items.map((i: any) => i._syncweb.kind)).toEqual(['twtxt'])
    const tagged = (await getJson(port, '/timeline.json?tag=garden')).body
    expect(ids(tagged)).toHaveLength(2)
    expect(ids(tagged)).toContain('ann:status/2026/one.json')
    expect(ids(tagged).some((id) => id.startsWith('ann:twtxt.txt#'))).toBe(true)
  })

  it('pages with a cursor that stays correct while items arrive', async () => {
    const first = (await getJson(port, '/timeline.json?space=dan&limit=2')).body
    expect(ids(first)).toEqual(['dan:status/a.json', 'dan:status/b.json'])
    expect(first.next_url).toMatch(/before=/)
    // Two newer items arrive between the two pages.
    await writeLikeSync(join(dirs.dan!, 'status/new1.json'), status('Dan new 1', now - HOUR))
    await writeLikeSync(join(dirs.dan!, 'status/new2.json'), status('Dan new 2', now - 2 * HOUR))
    await vi.waitFor(async () =>
      expect(ids((await getJson(port, '/timeline.json?space=dan&limit=1')).body)).toEqual([
        'dan:status/new1.json',
      ]),
    )
    const second = (
      await getJson(port, new URL(first.next_url).pathname + new URL(first.next_url).search)
    ).body
    expect(ids(second)).toEqual(['dan:status/c.json', 'dan:status/d.json'])
    // The last page says so: no link to an empty page after it.
    expect(second.next_url).toBeUndefined()
  })

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=-1', 'limit'],
    ['kind=blog', 'kind'],
    ['space=nobody', 'space'],
    ['space=', 'space'],
    ['before=garbage', 'before'],
    ['before=' + Buffer.from('[1,2]').toString('base64url'), 'before'],
    ['tag=', 'tag'],
  ])('answers ?%s with 400 and a reason naming %s', async (query, param) => {
    const json = await get(port, `/timeline.json?${query}`)
    expect(json.status).toBe(400)
    expect(JSON.parse(json.text).error.message).toMatch(new RegExp(`^${param}:`))
    expect((await get(port, `/timeline?${query}`, { Accept: 'text/html' })).status).toBe(400)
    expect((await get(port, `/timeline.xml?${query}`)).status).toBe(400)
    expect((await get(port, `/events?${query}`)).status).toBe(400)
  })
})

describe('feeds read back by independent parsers', () => {
  it('round-trips every item of /timeline.json through feedsmith', async () => {
    const raw = (await get(port, '/timeline.json?limit=200')).text
    const ours = JSON.parse(raw)
    const parsed = parseJsonFeed(raw) as any
    expect(ours.items.length).toBeGreaterThan(60)
    expect(parsed.items).toHaveLength(ours.items.length)
    parsed.items.forEach((item: any, i: number) => {
      const o = ours.items[i]
      expect(item.id).toBe(o.id)
      expect(item.url).toBe(o.url)
      expect(item.title).toBe(o.title)
      expect(new Date(item.date_published).toISOString()).toBe(o.date_published)
      expect(item.content_html).toBe(o.content_html)
      expect(item.content_text).toBe(o.content_text)
    })
  })

  it('round-trips every item of /timeline.xml through @rowanmanning/feed-parser', async () => {
    const res = await get(port, '/timeline.xml?limit=200')
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8')
    const ours = (await getJson(port, '/timeline.json?limit=200')).body
    const atom = parseXmlFeed(res.text)
    expect(ours.items.length).toBeGreaterThan(60)
    expect(atom.items).toHaveLength(ours.items.length)
    atom.items.forEach((item, i) => {
      const o = ours.items[i]
      expect(decodeURIComponent(item.id!.replace('urn:syncweb:item:', ''))).toBe(o.id)
      expect(item.url).toBe(o.url)
      expect(item.published?.toISOString()).toBe(o.date_published)
      if (o.title) expect(item.title).toBe(o.title)
      if (o.content_html) expect(item.content).toBe(o.content_html)
      else expect(item.content).toBe(o.content_text)
    })
  })
})

describe('/timeline page', () => {
  it('shows 50 items a page with an older link, and works without JavaScript', async () => {
    const res = await get(port, '/timeline?space=page', { Accept: 'text/html' })
    expect(res.status).toBe(200)
    expect(res.text.match(/data-id="page:/g)).toHaveLength(50)
    const older = /href="([^"]+)" rel="next"/.exec(res.text)![1]!.replaceAll('&amp;', '&')
    const next = await get(port, older, { Accept: 'text/html' })
    expect(next.text.match(/data-id="page:/g)).toHaveLength(10)
    expect(next.text).toContain('← Newest')
  })

  it('shows the space, its initial, the text, a relative date with the exact time, a link', async () => {
    const res = await get(port, '/timeline?space=ann', { Accept: 'text/html' })
    expect(res.text).toMatch(/<a class="avatar hue-\d" href="\/timeline\?space=ann"[^>]*>A<\/a>/)
    expect(res.text).toContain('<a class="who" href="/timeline?space=ann">ANN</a>')
    expect(res.text).toMatch(/<time datetime="[^"]+" title="[^"]+">4 h ago<\/time>/)
    // The time opens the item's conversation, never its raw file.
    expect(res.text).toMatch(/<a class="when" href="\/timeline\?thread=[^"]+"/)
    expect(res.text).not.toContain('href="/@ann/status/2026/two.json"')
    expect(res.text).toContain('<p class="content text">Ann two</p>')
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
  })

  it('shows the latest items on the home page', async () => {
    const res = await get(port, '/', { Accept: 'text/html' })
    expect(res.text).toContain('In twelve hours')
    expect(res.text).toMatch(/4 items · updated|items · updated/)
  })
})

describe('/api/spaces', () => {
  it('lists every space with counts, last update and problems', async () => {
    const { body } = await getJson(port, '/api/spaces')
    const ann = body.find((s: any) => s.name === 'ann')
    expect(ann).toMatchObject({
      name: 'ann',
      title: 'ANN',
      path: dirs.ann,
      online: true,
      status: 'ready',
    })
    expect(ann.items).toBe(7)
    // Its newest item is dated twelve hours ahead: it stands where it arrived, and so does the
    // space's last update (never "in twelve hours").
    expect(Date.parse(ann.lastUpdated)).toBeLessThanOrEqual(Date.now())
    expect(Date.parse(ann.lastUpdated)).toBeGreaterThan(now - HOUR)
    expect(ann.problems).toEqual([
      { file: 'posts/bad-front.md', reason: expect.stringContaining('front matter "date"') },
      { file: 'status/broken.json', reason: expect.stringContaining('not valid JSON') },
      { file: 'status/empty.json', reason: expect.stringContaining('needs a "text" or an "html"') },
    ])
    const cat = (await getJson(port, '/api/spaces/CAT')).body
    expect(cat.problems).toContainEqual({
      file: 'twtxt.txt',
      reason: expect.stringContaining('line 1'),
    })
  })

  it('shows whom a space follows (follows.json and twtxt), linking names the user follows', async () => {
    const { body } = await getJson(port, '/api/spaces/ann')
    expect(body.follows).toEqual([
      { name: 'Ben', title: "Ben's blog", syncthing: 'abcd-1234', space: 'ben' },
      { name: 'zed', url: 'https://zed.example/', resilio: 'BKEY' },
      { name: 'evil' },
      { name: 'cat', url: 'https://cat.example/twtxt.txt', space: 'cat' },
    ])
    const home = await get(port, '/', { Accept: 'text/html' })
    expect(home.text).toContain(
      `follows <a href="http://ben.localhost:${port}/">Ben&#39;s blog</a>`,
    )
    expect(home.text).toContain('<a href="https://zed.example/">zed</a>')
    expect(home.text).not.toContain('javascript:')
  })

  it('reports a broken follows.json as a problem', async () => {
    const { body } = await getJson(port, '/api/spaces/cat')
    expect(body.follows).toEqual([])
    expect(body.problems).toContainEqual({
      file: 'follows.json',
      reason: 'follows.json must be a list of {"name": …} objects',
    })
  })

  it('answers an unknown space with 404 JSON', async () => {
    const res = await getJson(port, '/api/spaces/nobody')
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('no_such_space')
  })

  it('clears a problem when the file is fixed', async () => {
    await writeLikeSync(join(dirs.ann!, 'status/broken.json'), status('fixed now', now - 30 * HOUR))
    await vi.waitFor(async () => {
      const { body } = await getJson(port, '/api/spaces/ann')
      expect(body.problems.map((p: any) => p.file)).not.toContain('status/broken.json')
    })
    expect(ids((await getJson(port, '/timeline.json?space=ann&limit=200')).body)).toContain(
      'ann:status/broken.json',
    )
  })
})

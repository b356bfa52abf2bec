import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseFeedFile } from '../src/index/parsers/feed.js'
import type { SourceFile } from '../src/index/item.js'
import { parseTime } from '../src/index/parsers/fields.js'
import { parsePost } from '../src/index/parsers/post.js'
import { alternateFeed, sourceOf } from '../src/index/parsers/sources.js'
import { parseStatus } from '../src/index/parsers/status.js'
import { parseTwtxt } from '../src/index/parsers/twtxt.js'
import { MAX_URL_LENGTH, safeHttpUrl } from '../src/safe-url.js'
import { ROOT } from './helpers.js'

const MTIME = Date.parse('2026-01-02T03:04:05Z')
const file = (path: string, text: string, space = 'bob'): SourceFile => ({
  space,
  path,
  text,
  mtimeMs: MTIME,
})
const sample = (name: string) => readFileSync(join(ROOT, 'test/fixtures/feeds', name), 'utf8')

describe('status updates', () => {
  it('reads our field names', () => {
    const { items, problem } = parseStatus(
      file(
        'status/2026/11/a.json',
        JSON.stringify({
          text: 'Hello',
          date: '2026-11-21T08:12:00Z',
          tags: ['a', '#b'],
          title: 'T',
          image: 'pic.png',
          reply_to: 'https://x.example/1',
          url: 'https://elsewhere.example/',
        }),
      ),
    )
    expect(problem).toBeUndefined()
    expect(items[0]).toMatchObject({
      id: 'bob:status/2026/11/a.json',
      kind: 'status',
      text: 'Hello',
      title: 'T',
      date: Date.parse('2026-11-21T08:12:00Z'),
      url: '/@bob/status/2026/11/a.json',
      tags: ['a', 'b'],
      image: '/@bob/status/2026/11/pic.png',
      replyTo: 'https://x.example/1',
      external: 'https://elsewhere.example/',
    })
  })

  it('reads JSON Feed item names', () => {
    const { items } = parseStatus(
      file(
        'status/b.json',
        JSON.stringify({
          id: 'x1',
          content_html: '<p>Hi <b>there</b></p>',
          date_published: '2026-11-21T10:00:00+02:00',
          date_modified: '2026-11-22T00:00:00Z',
        }),
      ),
    )
    expect(items[0]).toMatchObject({
      id: 'bob:x1',
      html: '<p>Hi <b>there</b></p>',
      text: 'Hi there',
      date: Date.parse('2026-11-21T08:00:00Z'),
      updated: Date.parse('2026-11-22T00:00:00Z'),
    })
  })

  it("falls back to the file's mtime when there is no date", () => {
    expect(parseStatus(file('status/c.json', '{"text":"x"}')).items[0]!.date).toBe(MTIME)
  })

  it.each([
    ['{ not json', 'not valid JSON'],
    ['[1,2]', 'must be a JSON object'],
    ['{"date":"2026-11-01T00:00:00Z"}', 'needs a "text" or an "html" field'],
    ['{"text":"   "}', 'needs a "text" or an "html" field'],
    ['{"text":42}', '"text" must be a string'],
    ['{"text":"x","date":"yesterday"}', '"date" is not an RFC 3339 date'],
    ['', 'not valid JSON'],
  ])('refuses %s with a reason', (text, reason) => {
    const result = parseStatus(file('status/bad.json', text))
    expect(result.items).toEqual([])
    expect(result.problem).toContain(reason)
  })
})

describe('posts', () => {
  it('takes title, date, tags and summary from front matter', () => {
    const { items } = parsePost(
      file(
        'posts/x.md',
        '---\ntitle: Chisels\ndate: 2026-09-12T18:30:00+02:00\ntags: [tools]\ndescription: Sharp.\n---\n\n# Heading\n\nBody.',
      ),
    )
    expect(items[0]).toMatchObject({
      title: 'Chisels',
      date: Date.parse('2026-09-12T16:30:00Z'),
      tags: ['tools'],
      summary: 'Sharp.',
      url: '/@bob/posts/x.md',
      lazyHtml: true,
    })
  })

  it('dates a post by its Jekyll-style file name, titles it by its first heading', () => {
    const { items } = parsePost(
      file(
        'posts/2026-10-03-wax.md',
        '```\n# not a heading\n```\n\n# Wax your *chain*\n\nOil collects **grit**.\n',
      ),
    )
    expect(items[0]).toMatchObject({
      title: 'Wax your chain',
      date: Date.parse('2026-10-03T00:00:00Z'),
      summary: 'Oil collects grit.',
    })
  })

  it('titles a post without a heading by its file name', () => {
    const { items } = parsePost(file('2026-10-03-my-first_post.md', 'Just text.'))
    expect(items[0]!.title).toBe('my first post')
  })

  it('reads Jekyll dates with a space and a numeric zone', () => {
    const { items } = parsePost(file('p.md', '---\ndate: 2026-05-01 10:00:00 +0200\n---\nx'))
    expect(items[0]!.date).toBe(Date.parse('2026-05-01T08:00:00Z'))
  })

  it('cuts the summary at 280 characters', () => {
    const { items } = parsePost(file('2026-01-01-long.md', 'word '.repeat(200)))
    expect(items[0]!.summary.length).toBeLessThanOrEqual(280)
    expect(items[0]!.summary.endsWith('…')).toBe(true)
  })

  it('leaves out drafts and pages without a date, with no problem', () => {
    expect(parsePost(file('2026-01-01-d.md', '---\ndraft: true\n---\nx'))).toEqual({ items: [] })
    expect(parsePost(file('about.md', '# About\n\nA page.'))).toEqual({ items: [] })
  })

  it.each([
    ['---\ntitle: [unclosed\n---\nx', 'front matter'],
    ['---\ndate: someday\n---\nx', 'front matter "date" is not a date'],
    ['---\n- a list\n---\nx', 'not a YAML mapping'],
  ])('reports broken front matter %#', (text, reason) => {
    expect(parsePost(file('p.md', text)).problem).toContain(reason)
  })
})

describe('twtxt', () => {
  const text = [
    '# nick = carol',
    '# url = https://carol.example/twtxt.txt',
    '# follow = bob https://bob.example/twtxt.txt',
    '2026-11-18T07:45:00+01:00\tFrost on the platform. #trains',
    'not a line',
    '2026-11-22T22:10:00Z\tHi @<bob https://bob.example/twtxt.txt>!',
    '2026-11-22T22:10:00Z\tSame second, second post',
    '',
  ].join('\n')

  it('reads each line as an item, with metadata and mentions', () => {
    const result = parseTwtxt(file('twtxt.txt', text, 'carol'))
    expect(result.items.map((i) => [i.text, i.date, i.author])).toEqual([
      ['Frost on the platform. #trains', Date.parse('2026-11-18T06:45:00Z'), 'carol'],
      ['Hi @bob!', Date.parse('2026-11-22T22:10:00Z'), 'carol'],
      ['Same second, second post', Date.parse('2026-11-22T22:10:00Z'), 'carol'],
    ])
    expect(result.items[0]!.tags).toEqual(['trains'])
    expect(new Set(result.items.map((i) => i.id)).size).toBe(3)
    expect(result.meta.follows).toEqual([{ nick: 'bob', url: 'https://bob.example/twtxt.txt' }])
  })

  it('skips bad lines and says which', () => {
    expect(parseTwtxt(file('twtxt.txt', text)).problem).toContain(
      '1 line(s) are not TIMESTAMP<TAB>TEXT (line 5)',
    )
  })
})

describe('safeHttpUrl, the one policy for links from friend data', () => {
  it.each([
    ['https://bob.example/twtxt.txt', 'https://bob.example/twtxt.txt'],
    ['  HTTP://Bob.Example  ', 'http://bob.example/'],
    ['https://bob.example/a b?q="x"', 'https://bob.example/a%20b?q=%22x%22'],
    ['https://bob.exa\tmple/', 'https://bob.example/'],
    ['javascript:alert(document.domain)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    ['\u0001javascript:alert(1)', undefined],
    ['java\tscript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['data:image/png;base64,iVBORw0KGgo=', undefined],
    ['vbscript:msgbox(1)', undefined],
    ['file:///etc/passwd', undefined],
    ['mailto:bob@bob.example', undefined],
    ['//evil.example/', undefined],
    ['/@bob/x', undefined],
    ['https:evil.example', undefined],
    ['https://bank.example@evil.example/', undefined],
    ['https://user:pw@bob.example/', undefined],
    ['http://[::1', undefined],
    ['https://', undefined],
    [`https://bob.example/${'a'.repeat(MAX_URL_LENGTH)}`, undefined],
    [42, undefined],
    [undefined, undefined],
  ])('%j → %j', (raw, expected) => {
    expect(safeHttpUrl(raw)).toBe(expected)
  })

  it('is what twtxt `# follow =` lines keep: an unsafe URL leaves the nick without a link', () => {
    const { meta } = parseTwtxt(
      file(
        'twtxt.txt',
        [
          '# follow = evil javascript:alert(document.domain)',
          '# follow = datum data:text/html,<script>alert(1)</script>',
          '# follow = good https://good.example/twtxt.txt',
        ].join('\n'),
      ),
    )
    expect(meta.follows).toEqual([
      { nick: 'evil' },
      { nick: 'datum' },
      { nick: 'good', url: 'https://good.example/twtxt.txt' },
    ])
  })
})

describe('feeds', () => {
  it("reads Hugo's RSS, mapping links on the feed's own site into the space", () => {
    const { items } = parseFeedFile(file('index.xml', sample('hugo-index.xml'), 'dana'))
    expect(items).toHaveLength(2)
    expect(items[0]).toMatchObject({
      kind: 'feed',
      title: 'Fixing a dripping tap',
      url: '/@dana/posts/dripping-tap/',
      date: Date.parse('2026-11-23T08:30:00Z'),
    })
    expect(items[0]!.html).toContain('src="/@dana/images/tap.jpg"')
    expect(items[0]!.html).toContain('href="/@dana/about/"')
    expect(items[0]!.html).toContain('href="https://elsewhere.example.com/x"')
  })

  it("reads jekyll-feed's Atom", () => {
    const { items } = parseFeedFile(file('feed.xml', sample('jekyll-feed.xml'), 'evan'))
    expect(items[0]).toMatchObject({
      title: 'Welcome to Jekyll!',
      author: 'Evan',
      date: Date.parse('2026-11-20T18:04:11Z'),
      tags: ['jekyll', 'update'],
    })
    expect(items[0]!.summary).toBe('You’ll find this post in your _posts directory.')
    expect(items[0]!.html).toContain('<code')
  })

  it("reads WordPress's RSS with content:encoded, and strips what it must", () => {
    const { items } = parseFeedFile(file('rss.xml', sample('wordpress-rss.xml'), 'fay'))
    expect(items[0]).toMatchObject({
      title: 'Sourdough, attempt #4',
      author: 'fay',
      url: '/@fay/2026/11/24/sourdough-attempt-4/',
      tags: ['Baking', 'bread'],
    })
    expect(items[0]!.html).toContain('Longer proof: 18 hours.')
    expect(items[0]!.html).not.toMatch(/script|onclick|style=/)
    expect(items[0]!.html).toContain('src="/@fay/wp-content/uploads/2026/11/crumb.jpg"')
  })

  it('reads a JSON Feed, leaving out entries without a date', () => {
    const result = parseFeedFile(file('feed.json', sample('feed.json'), 'gus'))
    expect(result.items.map((i) => i.id)).toEqual(['gus:feed.json#2', 'gus:feed.json#1'])
    expect(result.items[0]).toMatchObject({
      url: '/@gus/2026/11/kites/',
      author: 'Gus',
      tags: ['outside'],
      date: Date.parse('2026-11-22T15:00:00Z'),
    })
    expect(result.items[0]!.html).toContain('href="/@gus/2026/10/wind/"')
    expect(result.problem).toBe('1 entry has no date and was left out')
  })

  it.each([
    ['feed.xml', '<rss><channel><item>', '1 entry has no date'],
    ['feed.xml', 'just text', 'not a readable RSS or Atom feed'],
    ['feed.json', '{"items": 3}', 'needs an "items" array'],
    ['feed.json', '{', 'not a readable JSON Feed'],
  ])('reports a broken %s', (path, text, reason) => {
    expect(parseFeedFile(file(path, text)).problem).toContain(reason)
  })

  it("finds the feed a home page names with <link rel='alternate'>", () => {
    expect(
      alternateFeed(
        '<head><link rel="alternate" type="application/atom+xml" href="/blog/atom.xml"></head>',
      ),
    ).toBe('blog/atom.xml')
    expect(alternateFeed('<link rel="alternate" type="application/rss+xml" href="feed.rss">')).toBe(
      'feed.rss',
    )
    expect(
      alternateFeed(
        '<link rel="alternate" type="application/rss+xml" href="https://x.example/feed">',
      ),
    ).toBeUndefined()
    expect(alternateFeed('<link rel="stylesheet" href="/x.css">')).toBeUndefined()
    expect(
      alternateFeed('<link rel="alternate" type="application/rss+xml" href="/.git/config">'),
    ).toBeUndefined()
  })
})

describe('sources and dates', () => {
  it.each([
    ['status/2026/a.json', 'status'],
    ['notes/status/a.json', undefined],
    ['posts/x.md', 'post'],
    ['x.markdown', 'post'],
    ['twtxt.txt', 'twtxt'],
    ['sub/twtxt.txt', undefined],
    ['feed.xml', 'feed'],
    ['index.xml', 'feed'],
    ['blog/feed.xml', undefined],
    ['index.html', 'home'],
    ['.stversions/x.md', undefined],
    ['status/.syncthing.a.json.tmp', undefined],
    ['post.sync-conflict-20261101-101010-ABCDEFG.md', undefined],
  ])('%s is a %s source', (path, source) => {
    expect(sourceOf(path)).toBe(source)
  })

  it.each([
    ['2026-11-25', '2026-11-25T00:00:00.000Z'],
    ['2026-11-25T08:00:00Z', '2026-11-25T08:00:00.000Z'],
    ['2026-11-25T08:00:00+01:00', '2026-11-25T07:00:00.000Z'],
    ['2026-11-25 08:00:00 -0500', '2026-11-25T13:00:00.000Z'],
    ['2026-11-25T08:00', '2026-11-25T08:00:00.000Z'],
  ])('reads the date %s', (text, iso) => {
    expect(new Date(parseTime(text)!).toISOString()).toBe(iso)
  })

  it.each(['yesterday', '25/11/2026', '2026-13-01', '', '2026-11-25T25:00:00Z'])(
    'refuses the date %j',
    (text) => {
      expect(parseTime(text)).toBeUndefined()
    },
  )
})

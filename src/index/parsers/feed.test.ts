import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { parseFeedFile } from './feed.js'
import { alternateFeed } from './sources.js'
import { file } from './source-file.test-helpers.js'

const sample = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/feeds/${name}`, import.meta.url), 'utf8')

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

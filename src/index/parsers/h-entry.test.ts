import { describe, expect, it } from 'vitest'
import { file } from './source-file.test-helpers.js'
import { parseHEntries } from './h-entry.js'

const FEED = `<!doctype html><title>Alice</title>
<main class="h-feed">
  <article class="h-entry">
    <h2 class="p-name"><a class="u-url" href="tomatoes.html">Tomatoes</a></h2>
    <time class="dt-published" datetime="2026-11-20T10:00:00Z">Nov 20</time>
    <p class="p-summary">The first ripe ones.</p>
    <img class="u-photo" src="../images/tomatoes.svg" alt="">
    <a class="p-category" href="/tags/garden">garden</a>
  </article>
  <article class="h-entry">
    <div class="e-content"><p>A note without a title, <script>alert(1)</script><a href="../about.html">about</a>.</p></div>
    <time class="dt-published" datetime="2026-11-21">Nov 21</time>
  </article>
  <article class="h-entry"><p class="p-name">No date: not a post</p></article>
</main>`

describe('h-entry (microformats2)', () => {
  const items = parseHEntries(file('posts/index.html', FEED, 'alice'))

  it('makes a post of every dated h-entry of an h-feed', () => {
    expect(items.map((i) => [i.title, i.kind, i.date])).toEqual([
      ['Tomatoes', 'post', Date.parse('2026-11-20T10:00:00Z')],
      [undefined, 'post', Date.parse('2026-11-21')],
    ])
  })

  it('maps links, photos and its own page into the space, and takes that page’s id', () => {
    const [tomatoes] = items
    expect(tomatoes).toMatchObject({
      id: 'alice:posts/tomatoes.html',
      url: '/@alice/posts/tomatoes.html',
      image: '/@alice/images/tomatoes.svg',
      summary: 'The first ripe ones.',
      tags: ['garden'],
    })
  })

  it('takes the photo of an <img class="u-photo"> with alt text (parsed as {value, alt})', () => {
    const page = FEED.replace('tomatoes.svg" alt=""', 'tomatoes.svg" alt="Four red tomatoes"')
    const [tomatoes] = parseHEntries(file('posts/index.html', page, 'alice'))
    expect(tomatoes?.image).toBe('/@alice/images/tomatoes.svg')
  })

  it('sanitizes e-content, and links in it point into the space', () => {
    const note = items[1]!
    expect(note.html).not.toContain('<script')
    expect(note.html).toContain('href="/@alice/about.html"')
    expect(note.text).toContain('A note without a title')
    expect(note.id).toBe('alice:posts/index.html#h-entry-1')
  })

  it('reads nothing from a page without h-entry, or one nested too deeply', () => {
    expect(parseHEntries(file('a.html', '<p class="entry">x</p>'))).toEqual([])
    const deep =
      '<div>'.repeat(5000) +
      '<div class="h-entry"><time class="dt-published" datetime="2026-01-01">x</time></div>'
    expect(parseHEntries(file('a.html', deep))).toEqual([])
  })
})

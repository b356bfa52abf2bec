import { describe, expect, it } from 'vitest'
import { parsePost } from './post.js'
import { file } from './source-file.test-helpers.js'

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

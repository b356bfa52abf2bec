import { describe, expect, it } from 'vitest'
import { parseStatus } from './status.js'
import { file, MTIME } from './source-file.test-helpers.js'

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

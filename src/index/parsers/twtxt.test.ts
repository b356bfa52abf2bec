import { describe, expect, it } from 'vitest'
import { parseTwtxt } from './twtxt.js'
import { file } from './source-file.test-helpers.js'

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

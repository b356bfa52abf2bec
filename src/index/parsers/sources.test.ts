import { describe, expect, it } from 'vitest'
import { parseTime } from './fields.js'
import { alternateFeed, sourceOf } from './sources.js'

describe('sources and dates', () => {
  it.each([
    ['status/2026/a.json', 'status'],
    ['notes/status/a.json', undefined],
    ['posts/x.md', 'post'],
    ['x.markdown', 'post'],
    ['twtxt.txt', 'twtxt'],
    ['sub/twtxt.txt', 'page'],
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

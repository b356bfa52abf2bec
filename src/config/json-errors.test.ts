import { describe, expect, it } from 'vitest'
import { jsonErrorAt, nearest, unknownKeys } from './json-errors.js'

describe('config errors for people', () => {
  it.each([
    ['{\n  "port": 4747, // my port\n}', 'line 2, column 17: a comment, which JSON does not allow'],
    ['{\n  "port": 4747,\n}', 'line 3, column 1: a name in double quotes expected'],
    ['{\n  "port": 4747\n  "host": "x"\n}', 'line 3, column 3: a comma expected'],
    ["{ 'port': 1 }", 'line 1, column 3: a character JSON does not allow'],
  ])('names line and column: %j', (text, message) => {
    expect(jsonErrorAt(text)).toContain(message)
  })

  it('warns of unknown keys with the nearest known one', () => {
    expect(
      unknownKeys({
        prot: 1,
        spaces: { a: { path: '/x', titel: 'A' } },
        mute: { word: [] },
        extra: true,
      }),
    ).toEqual([
      'unknown key "prot" (did you mean "port"?); it is ignored',
      'unknown key "extra"; it is ignored',
      'unknown key "mute.word" (did you mean "mute.words"?); it is ignored',
      'unknown key "spaces.a.titel" (did you mean "spaces.a.title"?); it is ignored',
    ])
    expect(nearest('allowedhost', ['allowedHosts'])).toBe('allowedHosts')
  })
})

import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser'

/**
 * Where a config file stops being JSON, for people: "line 4, column 3: a comment (JSON has
 * none)" rather than JSON.parse's "at position 56". jsonc-parser reads on after an error and
 * names it; the first one is the one to fix.
 */
export function jsonErrorAt(text: string): string {
  const errors: ParseError[] = []
  parse(text, errors, { disallowComments: true, allowTrailingComma: false })
  const first = errors[0]
  if (!first) return 'is not valid JSON'
  const before = text.slice(0, first.offset)
  const line = before.split('\n').length
  const column = first.offset - before.lastIndexOf('\n')
  const what = printParseErrorCode(first.error)
  const hint: Record<string, string> = {
    InvalidCommentToken: 'a comment, which JSON does not allow: remove it',
    PropertyNameExpected: 'a name in double quotes expected (a trailing comma before "}"?)',
    ValueExpected: 'a value expected (a trailing comma, or a missing value?)',
    CommaExpected: 'a comma expected between two entries',
    ColonExpected: 'a colon expected after a name',
    CloseBraceExpected: 'a "}" expected',
    CloseBracketExpected: 'a "]" expected',
    EndOfFileExpected: 'the end of the file expected (something after the last "}")',
    InvalidSymbol: 'a character JSON does not allow (single quotes? unquoted names?)',
  }
  return `line ${line}, column ${column}: ${hint[what] ?? what}`
}

const KNOWN: Record<string, readonly string[]> = {
  '': ['port', 'host', 'me', 'allowedHosts', 'isolation', 'cacheDir', 'mute', 'spaces', 'limits'],
  'spaces.*': ['path', 'title'],
  mute: ['spaces', 'words', 'tags'],
}

/** Keys the config does not know, each with the nearest one it does: typos, said politely. */
export function unknownKeys(raw: Record<string, unknown>): string[] {
  const found: string[] = []
  const check = (object: unknown, known: readonly string[], prefix: string) => {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) return
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue
      const near = nearest(key, known)
      found.push(
        `unknown key "${prefix}${key}"${near ? ` (did you mean "${prefix}${near}"?)` : ''}; it is ignored`,
      )
    }
  }
  check(raw, KNOWN['']!, '')
  check(raw.mute, KNOWN.mute!, 'mute.')
  if (typeof raw.spaces === 'object' && raw.spaces !== null)
    for (const [name, space] of Object.entries(raw.spaces))
      check(space, KNOWN['spaces.*']!, `spaces.${name}.`)
  return found
}

/** The known key within two edits of `key` (case aside), if any. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance }
  }
  return best?.key
}

/** Levenshtein distance, for short words. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    previous = current
  }
  return previous[b.length]!
}

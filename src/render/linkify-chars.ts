/**
 * Character classes and runs for linkify's scanner, by character code: the ASCII ones without a
 * regular expression, as they run once or twice for every character of a text. The regular
 * expressions here test one character each, so none can backtrack.
 */
const SPACE = /\s/
const WORD = /[\p{L}\p{N}\p{M}_]/u

/** The end of the run of characters from `i` that `accept` takes. */
export function runEnd(text: string, i: number, accept: (ch: string) => boolean): number {
  let j = i
  while (j < text.length && accept(text[j]!)) j++
  return j
}

/** Past spaces and tabs (any whitespace with `lines`). */
export function blankEnd(text: string, i: number, lines = false): number {
  return runEnd(text, i, (ch) => ch === ' ' || ch === '\t' || (lines && isSpace(ch)))
}

/** Whitespace, as `\s` counts it. */
export function isSpace(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return c < 0x80 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : SPACE.test(ch)
}

/** What a space name is made of, either case: a-z, 0-9, `-`. */
export function isNameChar(ch: string): boolean {
  const c = ch.charCodeAt(0) | 0x20
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || ch === '-'
}

/** Inside `@<nick url>` (as the twtxt parser reads it): anything but whitespace, `<`, `>`. */
export function isMentionChar(ch: string): boolean {
  return ch !== '<' && ch !== '>' && !isSpace(ch)
}

/** Inside a bare URL: not whitespace, a control character, `<`, `>`, `"` or a backtick. */
export function isUrlChar(ch: string): boolean {
  const c = ch.charCodeAt(0)
  if (c <= 0x20 || (c >= 0x7f && c <= 0x9f)) return false
  return ch !== '<' && ch !== '>' && ch !== '"' && ch !== '`' && !isSpace(ch)
}

/** A letter, digit or mark (any script), or `_`. */
export function isWordPoint(cp: number): boolean {
  if (cp < 0x80) {
    const c = cp | 0x20
    return (c >= 0x61 && c <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || cp === 0x5f
  }
  return WORD.test(String.fromCodePoint(cp))
}

/** Whether the code point at `i` is a letter, digit, mark or `_`. */
export function isWord(text: string, i: number): boolean {
  const cp = text.codePointAt(i)
  return cp !== undefined && isWordPoint(cp)
}

/** Whether the code point just before `i` is a letter, digit, mark or `_`. */
export function wordBefore(text: string, i: number): boolean {
  if (i === 0) return false
  const low = text.charCodeAt(i - 1)
  const high = text.charCodeAt(i - 2)
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff
  return isWord(text, pair ? i - 2 : i - 1)
}

import { isValidName } from '../spaces/names.js'
import { MAX_URL_LENGTH, safeHttpUrl } from '../safe-url.js'
import {
  blankEnd,
  isMentionChar,
  isNameChar,
  isUrlChar,
  isWord,
  isWordPoint,
  runEnd,
  wordBefore,
} from './linkify-chars.js'

/**
 * The pieces of an item's plain text, in order: what linkify renders and mentionsOf lists.
 * `raw` is the text as written (what a link shows); URLs are safeHttpUrl's serialisation.
 */
export type Token =
  | { kind: 'text'; raw: string }
  /** `@<nick url>` or `@<url>` (twtxt), whose URL passed safeHttpUrl. */
  | { kind: 'mention'; raw: string; url: string; nick?: string }
  /** `@name`: a DNS-label-like word, lower-cased; whether it is someone is the caller's call. */
  | { kind: 'name'; raw: string; name: string }
  | { kind: 'url'; raw: string; href: string }
  | { kind: 'tag'; raw: string; tag: string }
  /** The twtxt subject `(#hash)` / `(#<hash url>)`: a reply marker, not a tag. */
  | { kind: 'subject'; raw: string }

/** Where a reader stopped: with a token, or past a run to keep as text without re-reading. */
interface Read {
  end: number
  token?: Token
}

export interface Subject {
  start: number
  end: number
  hash: string
  url?: string
}

// Every reader below walks forward over one run of characters that cannot contain the character
// that starts another attempt of the same reader (`<` for mentions, whitespace for URLs, a
// non-tag character for tags), and a failed attempt either advances one character or skips its
// whole run. So each character is looked at a bounded number of times: linear on any input,
// with no regular expression that could backtrack (each one here tests a single character).
const MAX_NICK = 64
const MAX_TAG = 64
const MAX_HASH = 64
/** Dropped from the end of a bare URL: sentence punctuation, as GitHub's autolinks do. */
const TRAILING = new Set(".,:;!?'*_~。，、！？")

/** The item's text as tokens; the twtxt subject, if any, is one token of its own. */
export function scan(text: string): Token[] {
  const subject = findSubject(text)
  if (!subject) return scanPart(text)
  return [
    ...scanPart(text.slice(0, subject.start)),
    { kind: 'subject', raw: text.slice(subject.start, subject.end) },
    ...scanPart(text.slice(subject.end)),
  ]
}

function scanPart(text: string): Token[] {
  const tokens: Token[] = []
  let from = 0
  let i = 0
  while (i < text.length) {
    const read = readAt(text, i)
    if (!read) {
      i++
      continue
    }
    if (read.token) {
      if (i > from) tokens.push({ kind: 'text', raw: text.slice(from, i) })
      tokens.push(read.token)
      from = read.end
    }
    i = read.end
  }
  if (from < text.length) tokens.push({ kind: 'text', raw: text.slice(from) })
  return tokens
}

function readAt(text: string, i: number): Read | undefined {
  const c = text[i]
  if (c === '@') {
    if (text[i + 1] !== '<') return readName(text, i)
    const mention = readBracket(text, i)
    const url = mention && safeLink(mention.url)
    if (!mention || !url) return undefined
    const raw = text.slice(i, mention.end)
    return { end: mention.end, token: { kind: 'mention', raw, url, ...nick(mention.nick) } }
  }
  if (c === '#') return readTag(text, i)
  if (c === 'h' || c === 'H') return readUrl(text, i)
  return undefined
}

const nick = (value: string | undefined) => (value === undefined ? {} : { nick: value })

/** `@<nick url>` or `@<url>` as written, the URL not yet checked. */
function readBracket(text: string, i: number) {
  const first = i + 2
  const a = runEnd(text, first, isMentionChar)
  if (a === first) return undefined
  if (text[a] === '>') return { end: a + 1, url: text.slice(first, a) }
  const b = blankEnd(text, a)
  const c = runEnd(text, b, isMentionChar)
  if (b === a || c === b || text[c] !== '>' || a - first > MAX_NICK) return undefined
  return { end: c + 1, nick: text.slice(first, a), url: text.slice(b, c) }
}

/** `@name`, not inside a word (`bob@alice`) nor the start of a handle (`@bob@host`, `@bob.host`). */
function readName(text: string, i: number): Read | undefined {
  if (wordBefore(text, i)) return undefined
  const end = runEnd(text, i + 1, isNameChar)
  if (end === i + 1) return undefined
  let last = end
  while (last > i + 1 && text[last - 1] === '-') last--
  const next = text[end] ?? ''
  const name = text.slice(i + 1, last).toLowerCase()
  const handle =
    next === '@' || (next === '.' && isNameChar(text[end + 1] ?? '')) || isWord(text, end)
  if (handle || !isValidName(name)) return { end }
  return { end: last, token: { kind: 'name', raw: text.slice(i, last), name } }
}

/** `#tag`: 1-64 letters, digits, marks, `_` or `-` (one letter or digit at least). */
function readTag(text: string, i: number): Read | undefined {
  if (wordBefore(text, i) || text[i - 1] === '&') return undefined
  let j = i + 1
  let count = 0
  let solid = false
  while (j < text.length) {
    const cp = text.codePointAt(j)!
    const dash = cp === 0x2d
    if (!dash && !isWordPoint(cp)) break
    if (!dash && cp !== 0x5f) solid = true
    count++
    j += cp > 0xffff ? 2 : 1
  }
  if (count === 0) return undefined
  if (count > MAX_TAG || !solid) return { end: j }
  const raw = text.slice(i, j)
  return { end: j, token: { kind: 'tag', raw, tag: raw.slice(1) } }
}

/**
 * A bare `http://` or `https://` URL: up to whitespace, `<`, `>`, `"` or a backtick, without
 * trailing punctuation, and without a closing `)` or `]` that has no partner inside the URL
 * (`https://en.wikipedia.org/wiki/Clock_(disambiguation)` keeps its own).
 */
function readUrl(text: string, i: number): Read | undefined {
  const scheme = text.slice(i, i + 8).toLowerCase()
  if (!scheme.startsWith('http://') && scheme !== 'https://') return undefined
  const stop = runEnd(text, i, isUrlChar)
  let end = stop
  if (end - i <= MAX_URL_LENGTH) {
    const open = { ')': 0, ']': 0 }
    const close = { ')': 0, ']': 0 }
    for (let j = i; j < end; j++) {
      const ch = text[j]!
      if (ch === '(') open[')']++
      else if (ch === '[') open[']']++
      else if (ch === ')' || ch === ']') close[ch]++
    }
    for (;;) {
      const ch = text[end - 1]!
      if (TRAILING.has(ch)) end--
      else if ((ch === ')' || ch === ']') && close[ch] > open[ch]) {
        close[ch]--
        end--
      } else break
    }
  }
  const raw = text.slice(i, end)
  const href = raw.length <= MAX_URL_LENGTH ? safeLink(raw) : undefined
  return href ? { end, token: { kind: 'url', raw, href } } : { end: stop }
}

/**
 * The twtxt subject (yarn.social): the first `(#hash)` or `(#<hash url>)` after any leading
 * mentions (`@<nick url>`, `@<url>`, `@name`) and blanks. Anything else first means none.
 */
export function findSubject(text: string): Subject | undefined {
  let i = blankEnd(text, 0, true)
  while (text[i] === '@') {
    const end = text[i + 1] === '<' ? readBracket(text, i)?.end : nameEnd(readName(text, i))
    if (end === undefined) return undefined
    i = blankEnd(text, end, true)
  }
  if (text[i] !== '(' || text[i + 1] !== '#') return undefined
  const bracket = text[i + 2] === '<'
  const first = i + (bracket ? 3 : 2)
  const a = runEnd(text, first, (ch) => isMentionChar(ch) && ch !== '(' && ch !== ')')
  if (a === first || a - first > MAX_HASH) return undefined
  const hash = text.slice(first, a)
  if (!bracket) return text[a] === ')' ? { start: i, end: a + 1, hash } : undefined
  const b = blankEnd(text, a)
  const c = b === a ? b : runEnd(text, b, isMentionChar)
  if (text[c] !== '>' || text[c + 1] !== ')') return undefined
  const url = safeLink(text.slice(b, c))
  return { start: i, end: c + 2, hash, ...(url ? { url } : {}) }
}

const nameEnd = (read: Read | undefined) => (read?.token ? read.end : undefined)

/**
 * safeHttpUrl, after a check that cannot throw: a URL that does not parse would otherwise cost
 * an exception each (13 µs: 8,000 of `http://[ ` in a 64 KB line took 100 ms).
 */
function safeLink(raw: string): string | undefined {
  return URL.canParse(raw) ? safeHttpUrl(raw) : undefined
}

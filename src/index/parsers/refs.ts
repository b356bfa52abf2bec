import { blake2b } from '@noble/hashes/blake2b'
import { createHash } from 'node:crypto'
import { mentionsOf } from '../../render/linkify.js'
import { normalizeName } from '../../spaces/names.js'

/**
 * Portable references (DESIGN.md "Conversations and people"): what an item is called on every
 * reader's gateway, whatever local names the readers chose, and how a reply names its parent.
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const encoder = new TextEncoder()

/** RFC 4648 base32, lowercase, without padding. */
function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0x1fff
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out
}

function blake2b256(text: string): string {
  return base32(blake2b(encoder.encode(text), { dkLen: 32 }))
}

/**
 * The yarn.social Twt Hash (https://twtxt.dev/exts/twt-hash.html): blake2b-256 of
 * `URL\nTIMESTAMP\nTEXT`, base32, the last 7 characters. `stamp` comes from twtStamp().
 */
export function twtHash(url: string, stamp: string, text: string): string {
  return blake2b256(`${url}\n${stamp}\n${text}`).slice(-7)
}

/**
 * A twt's timestamp as the hash reads it: RFC 3339 to the second, in the offset it was written
 * with, `Z` for UTC (what Go's time.RFC3339 prints, as yarn does); undefined if it is not one.
 */
export function twtStamp(raw: string): string | undefined {
  const m =
    /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(:\d{2})?(?:\.\d+)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/.exec(
      raw.trim(),
    )
  if (!m) return undefined
  const [, date, minutes, seconds, zone] = m
  const offset =
    !zone || /^(z|[+-]00:?00)$/i.test(zone) ? 'Z' : zone.replace(/^(...)(\d\d)$/, '$1:$2')
  return `${date}T${minutes}${seconds ?? ':00'}${offset}`
}

/**
 * The ref of an item that names none: derived from its date and text only, so that every
 * reader of the same file derives the same one. 26 characters of base32 (130 bits) of SHA-256,
 * which Node computes natively (2.3 µs an item against 5.5 µs for blake2b in JavaScript: a
 * million undated-id items cost 3 s less to index).
 */
export function contentRef(date: number, text: string): string {
  const digest = createHash('sha256')
    .update(`${new Date(date).toISOString()}\n${text}`)
    .digest()
  return base32(digest).slice(0, 26)
}

/** What a reply says about its parent. */
export interface ReplyTarget {
  /** The parent's ref. */
  ref?: string
  /** An old gateway URL's `NAME/PATH`: the item at that path in the space of that name. */
  file?: string
}

/**
 * Reads a `reply_to` / `in_reply_to` value: a ref, or an old-style gateway URL
 * (`http://HOST:PORT/@NAME/PATH`, any host and port, or `/@NAME/PATH`), which named the parent
 * by the writer's local name for its space and its path there.
 */
export function replyTarget(value: string | undefined): ReplyTarget | undefined {
  const text = value?.trim()
  if (!text) return undefined
  const m = /^(?:https?:\/\/[^/?#\s]+)?\/@([^/?#\s]+)\/([^?#\s]+)(?:[?#].*)?$/i.exec(text)
  if (m) {
    try {
      const name = normalizeName(decodeURIComponent(m[1]!))
      const path = m[2]!.split('/').map(decodeURIComponent).join('/')
      if (name && path && !path.split('/').some((s) => s === '' || s === '.' || s === '..'))
        return { file: `${name}/${path}` }
    } catch {}
  }
  return { ref: text.slice(0, 1024) }
}

/**
 * Who an item names with `@` (render/linkify.ts mentionsOf, the reader the page's links use):
 * `@nick` for `@<nick url>` and `@name`, and the URL of `@<nick url>` / `@<url>`, for the
 * notifications query ("mentions of me"). At most 64.
 */
export function mentionTokens(text: string): string[] {
  if (!text.includes('@')) return []
  const tokens = new Set<string>()
  for (const { nick, name, url } of mentionsOf(text)) {
    if (tokens.size >= 64) break
    if (nick ?? name) tokens.add(`@${(nick ?? name)!.toLowerCase()}`)
    if (url) tokens.add(urlToken(url))
  }
  return [...tokens].slice(0, 64)
}

/** A URL as mentions compare it: scheme and host lowercased, no fragment. */
export function urlToken(url: string): string {
  try {
    const u = new URL(url.trim())
    return `${u.protocol}//${u.host}${u.pathname}${u.search}`
  } catch {
    return url.trim().toLowerCase()
  }
}

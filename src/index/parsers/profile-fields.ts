import { MAX_URL_LENGTH } from '../../safe-url.js'
import { isHiddenName } from '../../spaces/sync-files.js'

/**
 * The field rules of what a space says about who it is (profile.json, twtxt metadata, the home
 * page): a friend writes every byte, so each string is bounded and each path kept inside the
 * space before anything shows it.
 */

/** A name or a nick, in characters (UTF-16 code units). */
export const MAX_NAME = 100
export const MAX_DESCRIPTION = 500
export const MAX_LINKS = 16
const MAX_PATH = 1024

// A surrogate that is not half of a pair (with the `u` flag a pair is one code point, so only a
// lone half matches) and control characters: a lone half makes encodeURIComponent throw.
const UNUSABLE = /[\uD800-\uDFFF\0-\x08\x0B\x0C\x0E-\x1F\x7F]/gu

/**
 * One line of text: unusable characters dropped, runs of white space made one space, trimmed,
 * at most `max` long; undefined when nothing is left or it is not a string.
 * @example cleanText('  Bob\n the\tbuilder ', 100) // 'Bob the builder'
 */
export function cleanText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined
  // Cut first: a 10 MB "name" is not scanned whole.
  const text = value
    .slice(0, max * 4)
    .replace(UNUSABLE, '')
    .replace(/\s+/g, ' ')
    .trim()
  if (!text) return undefined
  // Cutting may split a pair: drop the half left over.
  return text.length <= max ? text : text.slice(0, max).replace(UNUSABLE, '').trimEnd()
}

/**
 * A path inside the space, as profile.json names its avatar: relative, `/`-separated, `./` and
 * empty segments dropped; undefined for `..`, an absolute path, a URL (`https:`, `data:`,
 * `C:`), a backslash or control character, and hidden segments (`.git/x.png`, `x.png.tmp`),
 * which the gateway never serves.
 * @example spaceFilePath('./img//me.png') // 'img/me.png'
 * @example spaceFilePath('../secret.png') // undefined
 */
export function spaceFilePath(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  const text = raw.trim()
  if (!text || text.length > MAX_PATH || /[\\\0-\x1F\x7F]/.test(text)) return undefined
  if (text.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(text)) return undefined
  const segments = text.split('/').filter((s) => s !== '' && s !== '.')
  if (!segments.length || segments.some((s) => s === '..' || isHiddenName(s))) return undefined
  return segments.join('/')
}

/**
 * The path in the space of a URL written in one of its files (a twtxt `# avatar`, a home page's
 * icon), or undefined when that URL is not a file of the space. `base` is the URL the file is
 * published at (a twtxt `# url`); a relative URL and a site-absolute one (`/icon.png`) resolve
 * against it. A URL on another host, or above the folder `base` is in, is not a file of the
 * space, and an offline gateway cannot fetch it: it is dropped.
 * @example siteFilePath('https://x.example/img/me.png', 'https://x.example/twtxt.txt') // 'img/me.png'
 * @example siteFilePath('https://cdn.example/me.png', 'https://x.example/twtxt.txt') // undefined
 */
export function siteFilePath(raw: string | undefined, base: string): string | undefined {
  const text = raw?.trim()
  if (!text || text.length > MAX_URL_LENGTH) return undefined
  let root: URL
  let url: URL
  try {
    root = new URL(base)
    url = new URL(text, root)
  } catch {
    return undefined
  }
  // Scheme aside (a feed on https may name its avatar on http): the same host and port.
  if (!/^https?:$/.test(url.protocol) || url.host !== root.host) return undefined
  if (url.username || url.password) return undefined
  const folder = root.pathname.slice(0, root.pathname.lastIndexOf('/') + 1)
  if (!url.pathname.startsWith(folder)) return undefined
  try {
    return spaceFilePath(decodeURIComponent(url.pathname.slice(folder.length)))
  } catch {
    return undefined
  }
}

/** Where a space's root files are read from when they do not say where they are published. */
export const LOCAL_BASE = 'http://space.invalid/'

/** One entry of the timeline (DESIGN.md "What becomes an item"). */
export interface Item {
  /** Unique across spaces: `SPACE:PATH`, `SPACE:PATH#KEY` for files holding several items. */
  id: string
  space: string
  kind: 'status' | 'post' | 'twtxt' | 'feed'
  title?: string
  /** Plain text (for terminals, and `content_text`). */
  text: string
  /** Sanitized HTML, links rewritten into `/@NAME/`; '' when the item is text only. */
  html: string
  summary: string
  /** Milliseconds since the epoch. */
  date: number
  updated?: number
  /** Where the item lives: a path on the gateway (`/@NAME/…`) or an absolute external URL. */
  url: string
  /** The file in the space it came from. */
  path: string
  tags: string[]
  replyTo?: string
  image?: string
  author?: string
  /** A related page elsewhere (a status's `url`). */
  external?: string
  /** Posts render their full HTML on demand, not while indexing (see index/post.ts). */
  lazyHtml?: boolean
}

export type ItemKind = Item['kind']
export const KINDS: readonly ItemKind[] = ['status', 'post', 'twtxt', 'feed']

/** What a parser returns for one file: its items, and what was wrong with it, if anything. */
export interface ParseResult {
  items: Item[]
  problem?: string
}

export function problem(reason: string): ParseResult {
  return { items: [], problem: reason }
}

/** What every parser is given. */
export interface SourceFile {
  space: string
  /** Relative to the space root, with `/`. */
  path: string
  text: string
  /** The file's mtime, the date of last resort. */
  mtimeMs: number
}

/** `/@NAME/PATH`, each segment percent-encoded. */
export function spacePath(space: string, path: string): string {
  return `/@${space}/${path.split('/').map(encodeURIComponent).join('/')}`
}

export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? '' : path.slice(0, slash)
}

const SUMMARY_LENGTH = 280

/** At most 280 characters, cut at a word boundary, with an ellipsis when cut. */
export function summarize(text: string): string {
  // Most status updates are short single lines: keep the very same string (and its memory).
  if (text.length <= SUMMARY_LENGTH && !/\s\s|[\n\r\t]|^\s|\s$/.test(text)) return text
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= SUMMARY_LENGTH) return flat
  const cut = flat.slice(0, SUMMARY_LENGTH - 1)
  const space = cut.lastIndexOf(' ')
  return (space > SUMMARY_LENGTH * 0.6 ? cut.slice(0, space) : cut) + '…'
}

/** RFC 3339 / ISO 8601 date or date-time to milliseconds; undefined when it is not one. */
export function parseTime(value: unknown): number | undefined {
  if (value instanceof Date) return isNaN(value.getTime()) ? undefined : value.getTime()
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  // Dates only, or date-times with a zone; a bare local time would depend on the reader's zone.
  // A time without a zone (common in Jekyll and Hugo front matter) is read as UTC.
  if (
    !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)
  ) {
    return undefined
  }
  let normalized = text
    .replace(' ', 'T')
    .replace(/\s+/, '')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  if (/T[\d:.]+$/.test(normalized)) normalized += 'Z'
  const ms = Date.parse(normalized)
  return isNaN(ms) ? undefined : ms
}

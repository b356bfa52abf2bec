/**
 * The field rules every parser shares, written once: what a tag is, what a usable string is,
 * how a date is read, how a file name becomes a title, how long a summary is.
 */

/** A non-empty trimmed string, at most `max` characters; undefined for anything else. */
export function trimmed(value: unknown, max = Infinity): string | undefined {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed ? trimmed.slice(0, max) : undefined
}

/** Tags from a list or a comma/space-separated string: no `#`, 1-64 characters, 20 at most. */
export function toTags(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(/[,\s]+/) : Array.isArray(value) ? value : []
  return [
    ...new Set(
      list
        .filter((t): t is string => typeof t === 'string')
        .map((t) => t.trim().replace(/^#/, ''))
        .filter((t) => t.length > 0 && t.length <= 64),
    ),
  ].slice(0, 20)
}

/** `2024-03-01-` at the start of a file name: a Jekyll-style post date. */
export const JEKYLL_DATE = /^(\d{4}-\d{2}-\d{2})-/

/** `posts/2024-03-01-hello-world.md` → `hello world` */
export function titleFromFileName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  return (dot > 0 ? name.slice(0, dot) : name)
    .replace(JEKYLL_DATE, '')
    .replace(/[-_]+/g, ' ')
    .trim()
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

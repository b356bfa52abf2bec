import type { Db } from './db.js'

/** What a search query may be: longer ones get a 400 that says so. */
export const MAX_QUERY_LENGTH = 1000
export const MAX_QUERY_TERMS = 32
/** Matches ranked per query: the newest this many, by relevance (see search()). */
const CANDIDATES = 2000

/**
 * A person's query as an FTS5 expression. Never FTS5 syntax from the user: words and
 * `"quoted phrases"` become quoted strings (so `AND`, `NEAR`, `col:` and brackets are just
 * words), a word ending in `*` a prefix; all must match. Throws with a reason for a 400.
 */
export function ftsQuery(q: string): string {
  const text = q.trim()
  if (text.length > MAX_QUERY_LENGTH) {
    throw new Error(`q: at most ${MAX_QUERY_LENGTH.toLocaleString('en')} characters`)
  }
  const terms: string[] = []
  const pattern = /"([^"]*)"?|(\S+)/g
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const phrase = m[1] !== undefined
    let term = (phrase ? m[1] : m[2])!.replace(/"/g, ' ')
    const prefix = !phrase && term.length > 1 && term.endsWith('*')
    term = term.replace(/\*+$/, '')
    // A term with no letter or digit matches nothing the tokenizer keeps.
    if (!/[\p{L}\p{N}]/u.test(term)) continue
    terms.push(`"${term.replace(/\s+/g, ' ').trim()}"${prefix ? '*' : ''}`)
  }
  if (!terms.length) throw new Error('q: give words to search for, e.g. q=tomato or q="a phrase"')
  if (terms.length > MAX_QUERY_TERMS) throw new Error(`q: at most ${MAX_QUERY_TERMS} words`)
  return terms.join(' ')
}

export interface SearchOptions {
  match: string
  spaces?: ReadonlySet<string>
  limit: number
  offset: number
  /** Items dated after this wait, as on the timeline. */
  horizon: number
}

/** One hit, before the route makes its URL absolute. */
export interface SearchRow {
  space: string
  path: string
  /** A timeline item's kind, or `page`. */
  kind: string
  title: string | null
  /** The item's own URL (a page's is its path in the space). */
  url?: string
  /** A timeline item's ref: one without a URL of its own is shown in its conversation. */
  ref?: string
  /** Sanitized HTML: the text around the matches, escaped, the matches in `<mark>`. */
  snippet: string
}

/**
 * Full-text search over items and pages. Relevance (bm25, a title counting twice) orders the
 * newest CANDIDATES matches, the date breaking ties: a word found in every one of a million
 * items would otherwise rank them all (0.9 s); this stays under 25 ms.
 */
export function search(db: Db, options: SearchOptions): { rows: SearchRow[]; more: boolean } {
  const { match, spaces, limit, offset, horizon } = options
  const within = spaces
    ? `AND rowid IN (SELECT rowid FROM items WHERE space IN (${list(spaces)}) UNION ALL SELECT rowid FROM pages WHERE space IN (${list(spaces)}))`
    : ''
  const candidates = db
    .prepare(
      `SELECT rowid, bm25(search, 2.0, 1.0) FROM search WHERE search MATCH ? ${within} ORDER BY rowid DESC LIMIT ${CANDIDATES}`,
    )
    .raw()
    .all(match, ...(spaces ? [...spaces, ...spaces] : [])) as Array<[number, number]>
  if (!candidates.length) return { rows: [], more: false }
  const ids = JSON.stringify(candidates.map(([rowid]) => rowid))
  const items = new Map(
    (
      db
        .prepare(
          'SELECT rowid, space, path, kind, date, data, (SELECT title FROM docs WHERE docs.rowid = items.rowid), ref FROM items WHERE rowid IN (SELECT value FROM json_each(?))',
        )
        .raw()
        .all(ids) as Array<[number, string, string, string, number, string, string | null, string]>
    ).map((r) => [r[0], r]),
  )
  const pages = new Map(
    (
      db
        .prepare(
          'SELECT pages.rowid, space, path, docs.title FROM pages JOIN docs ON docs.rowid = pages.rowid WHERE pages.rowid IN (SELECT value FROM json_each(?))',
        )
        .raw()
        .all(ids) as Array<[number, string, string, string | null]>
    ).map((r) => [r[0], r]),
  )
  const ranked = candidates
    .map(([rowid, score]) => ({ rowid, score, date: items.get(rowid)?.[4] ?? 0 }))
    .filter(({ rowid, date }) => pages.has(rowid) || (items.has(rowid) && date <= horizon))
    .sort((a, b) => a.score - b.score || b.date - a.date)
  const shown = ranked.slice(offset, offset + limit)
  const snippets = new Map(
    db
      .prepare(
        `SELECT rowid, snippet(search, -1, char(1), char(2), '…', 16) FROM search WHERE search MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
      )
      .raw()
      .all(match, JSON.stringify(shown.map((s) => s.rowid))) as Array<[number, string]>,
  )
  const rows = shown.map(({ rowid }): SearchRow => {
    const snippet = marked(snippets.get(rowid) ?? '')
    const item = items.get(rowid)
    if (item) {
      const [, space, path, kind, , data, title, ref] = item
      const { url } = JSON.parse(data) as { url?: string }
      return { space, path, kind, title, ...(url ? { url } : {}), ref, snippet }
    }
    const [, space, path, title] = pages.get(rowid)!
    return { space, path, kind: 'page', title, snippet }
  })
  return { rows, more: ranked.length > offset + limit }
}

function list(values: ReadonlySet<string>): string {
  return [...values].map(() => '?').join(',')
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** The snippet as HTML: everything escaped, then the matches (between \x01 and \x02) marked. */
function marked(snippet: string): string {
  return snippet
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replace(/\x01/g, '<mark>')
    .replace(/\x02/g, '</mark>')
}

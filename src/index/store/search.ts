import type Database from 'libsql'
import { SNIPPET, snippetHtml } from './snippet.js'

/** What a search query may be: longer ones get a 400 that says so. */
export const MAX_QUERY_LENGTH = 1000
export const MAX_QUERY_TERMS = 32

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
  return `{title body} : (${terms.join(' ')})`
}

/**
 * A space's name as one token of the full-text index's `within` column ('s' and its bytes in
 * hex: letters and digits only, so the tokenizer keeps it whole). A space= filter is a term of
 * the query, which FTS5 intersects as it reads: a filter by rowids made it probe every one of
 * a space's documents (2.5 s for a word in a million documents).
 */
export function spaceToken(space: string): string {
  return 's' + Buffer.from(space).toString('hex')
}

/** A statement prepared once per SQL text (Statements.prepared), read in raw rows here. */
export type Prepare = (sql: string) => Database.Statement<unknown[]>

export interface SearchOptions {
  match: string
  spaces?: ReadonlySet<string>
  limit: number
  /** Where the previous page ended (parseCursor); none for the first page. */
  cursor?: SearchCursor
  /** Items dated beyond a day from now wait, as on the timeline. */
  now: number
}

/** Where a page of hits ends: a place in the ranked list, or the last key shown newest first. */
export type SearchCursor = { offset: number } | { before: number }

export interface SearchResult {
  rows: SearchRow[]
  next?: SearchCursor
  /**
   * How the hits are ordered: by relevance; newest first when the words are too common to rank;
   * or newest first after the matches ranked (`older`: RANK_WINDOW).
   */
  order: 'relevance' | 'newest' | 'older'
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
 * Matches bm25 may weigh for one query. bm25 counts every document that holds each word or
 * phrase (for its rarity): 22 ms for a word in a million documents, 120 ms for such a phrase,
 * however few hits are asked for. Counting up to this many first costs at most about 0.3 ms.
 */
const RANK_BUDGET = 3_000

/**
 * Matches bm25 scores for one query: the newest this many; older ones follow, newest first.
 * Scoring costs about a µs a match (each one's column sizes are looked up), and a search that
 * holds the server for 4 ms waits 40 behind nine others: a word in 9,000 documents took 9 ms
 * alone and 154 ms at p99 under 10 connections when all were scored; a word in 2,880 now takes
 * 3.9 ms and 44 ms.
 */
export const RANK_WINDOW = 300

/**
 * Full-text search over items and pages: by relevance (bm25, a title counting twice; newer
 * first among equals) when its words and phrases hold at most RANK_BUDGET matches in all,
 * else newest first (the order documents reached this gateway: docs.key), a read of the
 * full-text index backwards. Either way a first page costs about the same however common a word
 * is; a page further on reads past the ones before it (FTS5 does not seek to a rowid bound).
 */
export function search(prepare: Prepare, options: SearchOptions): SearchResult {
  const { match, spaces, limit, now } = options
  // A space= filter: one more term, of the `within` column.
  const within = spaces
    ? `${match} AND {within} : (${[...spaces].map((space) => `"${spaceToken(space)}"`).join(' OR ')})`
    : match
  // A cursor may not make bm25 rank what it cannot afford to (a crafted one, or a query whose
  // words became more common since its first page): that goes on newest first, from the top.
  const rarest = rankable(prepare, within, match.match(TERM)?.length ?? 0)
  const ranked = rarest !== undefined
  const cursor =
    options.cursor && (ranked || !('offset' in options.cursor))
      ? options.cursor
      : ranked
        ? { offset: 0 }
        : { before: -1 }
  // Items held back (dated beyond the horizon) are left out, as on the timeline: they are few,
  // and on an index.
  const ahead =
    'AND rowid NOT IN (SELECT key FROM docs WHERE rowid IN (SELECT rowid FROM items WHERE shown > ?))'
  const params = [within, now]
  // The oldest match bm25 scores (undefined: it scores them all, as when a word it must hold is
  // in fewer documents than that: a read saved, 3 ms for a phrase at a million documents).
  const floor =
    'offset' in cursor && rarest! > RANK_WINDOW
      ? (
          prepare(
            `SELECT rowid FROM search WHERE search MATCH ? ${ahead} ORDER BY rowid DESC LIMIT 1 OFFSET ?`,
          )
            .raw()
            .get(...params, RANK_WINDOW) as [number] | undefined
        )?.[0]
      : undefined
  // Snippets: in the newest-first read itself (a few µs a row); for a ranked page, of its rows
  // alone once they are known (a snippet of every match, before sorting, would cost them all).
  const found = (
    'offset' in cursor
      ? prepare(
          `SELECT rowid FROM search WHERE search MATCH ? ${ahead} AND rowid > ? ORDER BY bm25(search, 2.0, 1.0, 0.0), rowid DESC LIMIT ? OFFSET ?`,
        )
          .raw()
          .all(...params, floor ?? -1, limit + 1, cursor.offset)
      : prepare(
          `SELECT rowid, ${SNIPPET} FROM search WHERE search MATCH ? ${ahead} AND rowid < ? ORDER BY rowid DESC LIMIT ?`,
        )
          .raw()
          .all(...params, cursor.before < 0 ? Number.MAX_SAFE_INTEGER : cursor.before, limit + 1)
  ) as Array<[number, string]>
  const shown = found.slice(0, limit).map(([key]) => key)
  const docs = documents(prepare, shown)
  const snippets = new Map(
    'offset' in cursor
      ? (prepare(
          `SELECT rowid, ${SNIPPET} FROM search WHERE search MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
        )
          .raw()
          .all(match, JSON.stringify(shown)) as Array<[number, string]>)
      : found,
  )
  const rows = shown.flatMap((key): SearchRow[] => {
    const doc = docs.get(key)
    return doc ? [{ ...doc, snippet: snippetHtml(snippets.get(key) ?? '') }] : []
  })
  const order = 'offset' in cursor ? 'relevance' : ranked ? 'older' : 'newest'
  if (found.length > limit)
    return {
      rows,
      next: 'offset' in cursor ? { offset: cursor.offset + limit } : { before: shown.at(-1)! },
      order,
    }
  // The ranked window is read: what is older goes on newest first.
  return floor === undefined ? { rows, order } : { rows, next: { before: floor + 1 }, order }
}

/**
 * Whether bm25 can rank a query within RANK_BUDGET (each word and phrase of `within` counted
 * apart): undefined if not, else the matches of the rarest of the first `terms` (the query's
 * own, which all must match): more than the query has.
 */
function rankable(prepare: Prepare, within: string, terms: number): number | undefined {
  const count = prepare(
    'SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ? LIMIT ?)',
  ).raw()
  let left = RANK_BUDGET
  let fewest = Infinity
  for (const [i, term] of (within.match(TERM) ?? []).entries()) {
    const found = Number((count.get(term, left + 1) as [number])[0])
    left -= found
    if (left < 0) return undefined
    if (i < terms) fewest = Math.min(fewest, found)
  }
  return fewest
}

const TERM = /"[^"]*"\*?/g

/** What the route shows of each document, by key. */
function documents(prepare: Prepare, keys: number[]) {
  const rows =
    prepare(`SELECT docs.key, docs.title, items.space, items.path, items.kind, items.data, items.ref, pages.space, pages.path
       FROM docs LEFT JOIN items ON items.rowid = docs.rowid LEFT JOIN pages ON pages.rowid = docs.rowid
       WHERE docs.key IN (SELECT value FROM json_each(?))`)
      .raw()
      .all(JSON.stringify(keys)) as Array<
      [number, string | null, string | null, string, string, string, string, string | null, string]
    >
  const docs = new Map<number, Omit<SearchRow, 'snippet'>>()
  for (const [key, title, space, path, kind, data, ref, pageSpace, pagePath] of rows) {
    if (space !== null) {
      const { url } = JSON.parse(data) as { url?: string }
      docs.set(key, { space, path, kind, title, ...(url ? { url } : {}), ref })
    } else if (pageSpace !== null) {
      docs.set(key, { space: pageSpace, path: pagePath, kind: 'page', title })
    }
  }
  return docs
}

/** A cursor as next_url carries it; throws with a reason for a 400. */
export function parseCursor(text: string): SearchCursor {
  const m = /^([ob])(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString())
  if (!m) throw new Error('cursor: not a cursor from this search (use next_url)')
  return m[1] === 'o' ? { offset: Number(m[2]) } : { before: Number(m[2]) }
}

export function formatCursor(cursor: SearchCursor): string {
  const text = 'offset' in cursor ? `o${cursor.offset}` : `b${cursor.before}`
  return Buffer.from(text).toString('base64url')
}

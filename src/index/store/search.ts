import { conjunctionTerms } from './fts-query.js'
import { leadsToMatchingPage } from './leads-to-page.js'
import type { Prepare } from './prepared.js'
import { SNIPPET, snippetHtml } from './snippet.js'

/**
 * A space's name as one token of the full-text index's `within` column ('s' and its bytes in
 * hex: letters and digits only, so the tokenizer keeps it whole). A space= filter is a term of
 * the query, which FTS5 intersects as it reads: a filter by rowids made it probe every one of
 * a space's documents (2.5 s for a word in a million documents).
 */
export function spaceToken(space: string): string {
  return 's' + Buffer.from(space).toString('hex')
}

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
  const rarest = rankable(prepare, within, conjunctionTerms(match))
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
  // More are read than asked for (twice as many, at least 10 more): an item that leads to a page
  // matching too is left out (leads-to-page.ts), and the page of hits is filled from the next.
  const reading = limit + Math.max(limit, 10) + 1
  const found = (
    'offset' in cursor
      ? prepare(
          `SELECT rowid FROM search WHERE search MATCH ? ${ahead} AND rowid > CAST(? AS INTEGER) ORDER BY bm25(search, 2.0, 1.0, 0.0), rowid DESC LIMIT ? OFFSET ?`,
        )
          .raw()
          .all(...params, floor ?? -1, reading, cursor.offset)
      : prepare(
          `SELECT rowid FROM search WHERE search MATCH ? ${ahead} AND rowid < CAST(? AS INTEGER) ORDER BY rowid DESC LIMIT ?`,
        )
          .raw()
          .all(...params, cursor.before < 0 ? Number.MAX_SAFE_INTEGER : cursor.before, reading)
  ) as Array<[number]>
  // What each hit is, read for as many as are still to show: once, unless some are left out.
  const docs = new Map<number, Omit<SearchRow, 'snippet'>>()
  const shown: number[] = []
  let read = 0
  while (shown.length < limit && read < found.length) {
    const batch = found.slice(read, read + limit - shown.length).map(([key]) => key)
    for (const [key, doc] of documents(prepare, batch)) docs.set(key, doc)
    for (const key of batch) {
      read++
      const doc = docs.get(key)
      if (doc && !leadsToMatchingPage(prepare, match, doc)) shown.push(key)
    }
  }
  // Snippets (a few µs each) once the hits are known, not of every match: newest first, of the
  // range of keys read; ranked, of the few to show. Keys are cast: FTS5 seeks to a bound of type INTEGER only, and a JS number
  // this large is bound as a REAL (a range 60 ms instead of 0.3; a cursor deep into a common
  // word's matches 33 ms instead of 0.9).
  const snippets = new Map(
    ('offset' in cursor
      ? prepare(
          `SELECT rowid, ${SNIPPET} FROM search WHERE search MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
        )
          .raw()
          .all(match, JSON.stringify(shown))
      : read
        ? prepare(
            `SELECT rowid, ${SNIPPET} FROM search WHERE search MATCH ? AND rowid BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER)`,
          )
            .raw()
            .all(match, found[read - 1]![0], found[0]![0])
        : []) as Array<[number, string]>,
  )
  const rows = shown.map((key) => ({
    ...docs.get(key)!,
    snippet: snippetHtml(snippets.get(key) ?? ''),
  }))
  const order = 'offset' in cursor ? 'relevance' : ranked ? 'older' : 'newest'
  if (read < found.length || found.length === reading)
    return {
      rows,
      next: 'offset' in cursor ? { offset: cursor.offset + read } : { before: found[read - 1]![0] },
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

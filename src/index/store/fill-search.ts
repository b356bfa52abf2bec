import { transact, value, type Db } from './db.js'
import { END_FILL, FILLED, startFill } from './schema.js'

/** Documents put into the full-text index in one turn: ~200 ms of a million, 9 s in all. */
export const FILL_CHUNK = 20_000

export interface FillOptions {
  /** Documents per turn. */
  chunk?: number
  /** Awaited between turns (tests change the folders there); by default the next turn. */
  between?: (filled: number) => Promise<void>
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Fills the full-text index of a first build in key order, a chunk per turn, so that requests
 * are answered in between: FTS5's one-statement 'rebuild' held the main thread for 11 s at a
 * million documents, and took longer than these chunks (9 s). Documents that come or go
 * meanwhile are kept right by startFill's triggers; one chunk and the mark of how far it got
 * are one transaction. False when the index was closed before the end (a gateway stopped):
 * the next one starts the fill again.
 */
export async function fillSearch(db: Db, options: FillOptions = {}): Promise<boolean> {
  const { chunk = FILL_CHUNK, between = nextTurn } = options
  const last = Number(value(db, 'SELECT max(key) FROM docs') ?? -1)
  db.exec(startFill(last))
  const end = db
    .prepare(
      'SELECT max(key) FROM (SELECT key FROM docs WHERE key > ? AND key <= ? ORDER BY key LIMIT ?)',
    )
    .raw()
  const fill = db.prepare(
    'INSERT INTO search(rowid, title, body, within) SELECT key, title, body, within FROM docs WHERE key > ? AND key <= ? ORDER BY key',
  )
  // Bound as it is, a key is a double, which meta's text column keeps as '1.82029326336004e+15'
  // (and CAST reads as 1): as an integer, it is kept whole.
  const mark = db.prepare(`UPDATE meta SET value = CAST(? AS INTEGER) WHERE key = '${FILLED}'`)
  let filled = -1
  for (;;) {
    await between(filled)
    if (!db.open) return false
    const to = (end.get(filled, last, chunk) as [number | null])[0]
    if (to === null) break
    transact(db, () => {
      fill.run(filled, to)
      mark.run(to)
    })
    filled = to
  }
  db.exec(END_FILL)
  return true
}

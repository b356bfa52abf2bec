import { isWriteFailure, type Db } from './db.js'
import { fillSearch, type FillOptions } from './fill-search.js'
import { INDEXES } from './schema.js'

/**
 * Makes the indexes and the full-text index after a first build, each statement in a turn of
 * its own so that requests are answered in between; `sealKeys` first (Statements.sealKeys), the
 * full-text index last (fillSearch, with `fill`'s options).
 * Their sorts spill to temporary files, not to memory: sorting a million keys in memory left
 * the process 110 MB of malloc heap it never gave back (RSS 256 → 165 MB after a cold build of
 * a million items). SQLite writes them to $SQLITE_TMPDIR, $TMPDIR or /var/tmp; where they cannot
 * be written (a small /tmp full: measured with 1 MB), the sort that failed runs in memory.
 */
export async function makeIndexes(
  db: Db,
  sealKeys: () => void,
  fill: FillOptions = {},
): Promise<boolean> {
  // A gateway stopped before its first build was over: its index is closed already.
  if (!db.open) return false
  db.exec('PRAGMA temp_store = FILE')
  try {
    for (const statement of [null, ...INDEXES]) {
      await new Promise((resolve) => setImmediate(resolve))
      if (!db.open) return false
      spilling(db, statement === null ? sealKeys : () => db.exec(statement))
    }
    return await fillSearch(db, fill)
  } finally {
    // The build filled SQLite's page cache; it refills with what is asked for.
    if (db.open) db.exec('PRAGMA temp_store = MEMORY; PRAGMA shrink_memory')
  }
}

function spilling(db: Db, run: () => void) {
  try {
    run()
  } catch (error) {
    if (!isWriteFailure(error)) throw error
    db.exec('PRAGMA temp_store = MEMORY')
    run()
  }
}

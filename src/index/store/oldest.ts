import type Database from 'libsql'
import type { Db } from './db.js'
import { INDEXES } from './schema.js'

/** An item a newer one may displace (limits.maxItemsPerSpace). */
export interface OldItem {
  rowid: number
  id: string
  path: string
  shown: number
}

const ITEMS_SPACE = INDEXES.find((sql) => / items_space /.test(sql))!

/**
 * A space's items lowest in the timeline, but those of one file. Read on items_space, which a
 * first build makes only at its end: the first space to reach its limit during one makes it
 * then (~1 s at a million items, once), and every insert after keeps it (~1.5 µs each).
 */
export class OldestItems {
  #statement: Database.Statement<unknown[]> | undefined

  constructor(readonly db: Db) {}

  of(space: string, except: string, limit: number): OldItem[] {
    if (limit <= 0) return []
    if (!this.#statement) {
      this.db.exec(ITEMS_SPACE)
      this.#statement = this.db.prepare(
        'SELECT rowid, id, path, shown FROM items INDEXED BY items_space WHERE space = ? AND path <> ? ORDER BY shown ASC, id DESC LIMIT ?',
      )
    }
    return this.#statement.all(space, except, limit) as OldItem[]
  }
}

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
 * A space's items lowest in the timeline, but those of one file: first those that stand ahead
 * of now (dated beyond the horizon, held back: a friend's file of lines dated 2099 must not
 * take a space's room), then the rest from the bottom. Read on items_space, which a first
 * build makes only at its end: the first space to reach its limit during one makes it then
 * (~1 s at a million items, once), and every insert after keeps it (~1.5 µs each).
 */
export class OldestItems {
  #ahead: Database.Statement<unknown[]> | undefined
  #lowest: Database.Statement<unknown[]> | undefined
  #holder: Database.Statement<unknown[]> | undefined

  constructor(readonly db: Db) {}

  of(space: string, except: string, limit: number, now: number): OldItem[] {
    if (limit <= 0) return []
    if (!this.#ahead) {
      this.db.exec(ITEMS_SPACE)
      const columns = 'SELECT rowid, id, path, shown FROM items INDEXED BY items_space'
      this.#ahead = this.db.prepare(
        `${columns} WHERE space = ? AND path <> ? AND shown > ? ORDER BY shown DESC, id LIMIT ?`,
      )
      this.#lowest = this.db.prepare(
        `${columns} WHERE space = ? AND path <> ? AND shown <= ? ORDER BY shown ASC, id DESC LIMIT ?`,
      )
    }
    const ahead = this.#ahead.all(space, except, now, limit) as OldItem[]
    const left = limit - ahead.length
    return left > 0
      ? [...ahead, ...(this.#lowest!.all(space, except, now, left) as OldItem[])]
      : ahead
  }

  /** Whether an item of this id is held by a file other than `path` of `space` (once built). */
  heldElsewhere(id: string, space: string, path: string): boolean {
    this.#holder ??= this.db.prepare('SELECT space, path FROM items WHERE id = ?').raw()
    const held = this.#holder.get(id) as [string, string] | undefined
    return held !== undefined && (held[0] !== space || held[1] !== path)
  }
}

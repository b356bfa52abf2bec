import type { Db } from './db.js'

/**
 * The `left_out` table: files some of whose items a space at its limit leaves out
 * (limits.maxItemsPerSpace), with where the newest of those would stand in the timeline. When
 * room is made, the files read again are those that hold the newest items left out, a few,
 * not every file waiting: a flood of a million files would be read again at each deletion.
 */
export class LeftOut {
  readonly #mark
  readonly #clear
  readonly #newest
  readonly #drop

  constructor(db: Db) {
    this.#mark = db.prepare(
      'INSERT INTO left_out (space, path, shown) VALUES (?, ?, ?) ON CONFLICT (space, path) DO UPDATE SET shown = max(shown, excluded.shown)',
    )
    this.#clear = db.prepare('DELETE FROM left_out WHERE space = ? AND path = ?')
    this.#newest = db
      .prepare('SELECT path, shown FROM left_out WHERE space = ? ORDER BY shown DESC LIMIT ?')
      .raw()
    this.#drop = db.prepare('DELETE FROM left_out WHERE space = ?')
  }

  /** Items of a file are left out, the newest of them standing at `shown`. */
  mark(space: string, path: string, shown: number) {
    this.#mark.run(space, path, shown)
  }

  /** Every item of the file is in (it was read again), or the file is gone. */
  clear(space: string, path: string) {
    this.#clear.run(space, path)
  }

  /** The `limit` files of a space whose items left out are the newest, with where they rank. */
  newest(space: string, limit: number): Array<[path: string, shown: number]> {
    return this.#newest.all(space, limit) as Array<[string, number]>
  }

  dropSpace(space: string) {
    this.#drop.run(space)
  }
}

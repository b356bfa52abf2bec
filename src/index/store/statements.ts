import type { Item, ItemKind } from '../item.js'
import { shownAt, type Query } from '../query.js'
import type Database from 'libsql'
import type { Db } from './db.js'
import { filtersOf } from './filters.js'
import { PreparedStatements } from './prepared.js'
import { BUILT, DOCS_KEY, DOCS_KEY_FIX } from './schema.js'
import { spaceToken } from './search.js'
import { ITEM_COLUMNS, type ItemRow, type PageText, type toRow } from './rows.js'

type Statement = Database.Statement<unknown[]>

/** The store's SQL, prepared once (and the timeline query once per shape of its filters). */
export class Statements {
  readonly #db: Db
  readonly #itemsOfFile: Statement
  readonly #countOfFile: Statement
  readonly #idTaken: Statement
  readonly #insertDoc: Statement
  readonly #insertItem: Statement
  readonly #insertTag: Statement
  readonly #deleteItem: Statement
  readonly #deleteDoc: Statement
  readonly #deleteTags: Statement
  readonly #insertMention: Statement
  readonly #deleteMention: Statement
  readonly #pageOf: Statement
  readonly #insertPage: Statement
  readonly #deletePage: Statement
  readonly #ahead: Statement
  readonly #newest: Statement
  readonly #prepared: PreparedStatements
  /** True once keys must be unique as they are given (docs_key is made): see #key. */
  #sealed: boolean
  /** The greatest key given (docs.key), and a counter for keys of one millisecond. */
  #maxKey = 0
  #seq = 0

  constructor(db: Db) {
    this.#db = db
    this.#prepared = new PreparedStatements(db)
    // A first build cut short may have made docs_key already: its keys are sealed too.
    this.#sealed =
      db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'docs_key'").get() !== undefined
    if (this.#sealed) this.sealKeys()
    this.#itemsOfFile = db.prepare(
      `SELECT ${ITEM_COLUMNS} FROM items JOIN docs ON docs.rowid = items.rowid WHERE space = ? AND path = ?`,
    )
    this.#countOfFile = db.prepare('SELECT count(*) FROM items WHERE space = ? AND path = ?').raw()
    this.#idTaken = db.prepare('SELECT 1 FROM items WHERE id = ?').raw()
    this.#insertDoc = db.prepare('INSERT INTO docs (key, title, body, within) VALUES (?, ?, ?, ?)')
    this.#insertItem = db.prepare(
      'INSERT INTO items (rowid, id, space, path, kind, date, shown, ref, reply_ref, reply_file, arrived, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    this.#insertTag = db.prepare('INSERT OR IGNORE INTO tags (tag, item) VALUES (?, ?)')
    this.#insertMention = db.prepare('INSERT OR IGNORE INTO mentions (token, item) VALUES (?, ?)')
    this.#deleteMention = db.prepare('DELETE FROM mentions WHERE token = ? AND item = ?')
    this.#deleteItem = db.prepare('DELETE FROM items WHERE rowid = ?')
    this.#deleteDoc = db.prepare('DELETE FROM docs WHERE rowid = ?')
    this.#deleteTags = db.prepare('DELETE FROM tags WHERE item = ? AND tag = ?')
    this.#pageOf = db.prepare('SELECT rowid FROM pages WHERE space = ? AND path = ?').raw()
    this.#insertPage = db.prepare('INSERT INTO pages (rowid, space, path) VALUES (?, ?, ?)')
    this.#deletePage = db.prepare('DELETE FROM pages WHERE rowid = ?')
    // On items_space (space, shown): an item is held back (dated beyond the horizon) exactly
    // when it stands after now (query.ts shownAt), so both are range reads of that index.
    this.#ahead = db.prepare('SELECT count(*) FROM items WHERE space = ? AND shown > ?').raw()
    this.#newest = db.prepare('SELECT max(shown) FROM items WHERE space = ? AND shown <= ?').raw()
  }

  itemsOfFile(space: string, path: string): ItemRow[] {
    return this.#itemsOfFile.all(space, path) as ItemRow[]
  }

  countOfFile(space: string, path: string): number {
    return Number((this.#countOfFile.get(space, path) as [number])[0])
  }

  idTaken(id: string): boolean {
    return this.#idTaken.get(id) !== undefined
  }

  /**
   * Makes docs_key, once a first build has given its keys (a double of theirs moved first), and
   * from then on gives every key after all others. In one turn: no document comes in between.
   */
  sealKeys() {
    if (!this.#sealed) {
      try {
        this.#db.exec(DOCS_KEY)
      } catch (error) {
        if (!/UNIQUE/.test(String(error))) throw error
        this.#db.exec(DOCS_KEY_FIX)
        this.#db.exec(DOCS_KEY)
      }
    }
    this.#sealed = true
    const max = this.#db.prepare('SELECT max(key) FROM docs').raw().get() as [number | null]
    this.#maxKey = Number(max[0] ?? 0)
  }

  /**
   * A document's key: the order documents reached this gateway, which search reads newest
   * first. A first build's documents reached it when they were written, as far as anyone can
   * tell (`arrived`: their date, or a page's mtime), so they are keyed by that millisecond, with
   * a counter for those of the same one (docs_key then proves them unique, DOCS_KEY_FIX moving
   * the rare double); every one after docs_key is made comes after all of them.
   */
  #key(arrived: number): number {
    if (this.#sealed) return ++this.#maxKey
    return Math.max(0, Math.floor(arrived)) * 1024 + (this.#seq++ % 1024)
  }

  #doc(space: string, title: string | null, body: string, arrived: number): number | bigint {
    const key = this.#key(arrived)
    return this.#insertDoc.run(key, title, body, spaceToken(space)).lastInsertRowid
  }

  insertItem(row: ReturnType<typeof toRow>, arrived: number, item: Item) {
    const lastInsertRowid = this.#doc(row.space, row.title, row.body, arrived)
    this.#insertItem.run(
      lastInsertRowid,
      row.id,
      row.space,
      row.path,
      row.kind,
      row.date,
      shownAt(row.date, arrived),
      row.ref,
      row.reply_ref,
      row.reply_file,
      arrived,
      row.data,
    )
    for (const tag of item.tags) this.#insertTag.run(tag, lastInsertRowid)
    for (const token of item.mentions ?? []) this.#insertMention.run(token, lastInsertRowid)
  }

  deleteItem(rowid: number) {
    const data = this.#db.prepare('SELECT data FROM items WHERE rowid = ?').raw().get(rowid) as
      [string] | undefined
    const { tags = [], mentions = [] } = data
      ? (JSON.parse(data[0]) as { tags?: string[]; mentions?: string[] })
      : {}
    for (const tag of tags) this.#deleteTags.run(rowid, tag)
    for (const token of mentions) this.#deleteMention.run(token, rowid)
    this.#deleteItem.run(rowid)
    this.#deleteDoc.run(rowid)
  }

  /** Each space's number of items. */
  counts(): Array<[string, number]> {
    return this.#db
      .prepare('SELECT space, count(*) FROM items GROUP BY space')
      .raw()
      .all() as Array<[string, number]>
  }

  /** A first build is over: an id claimed twice keeps the first file's item; the others' files. */
  markBuilt(): Array<[string, string]> {
    const doubles = this.#db
      .prepare(
        'SELECT rowid, space, path FROM items WHERE rowid NOT IN (SELECT min(rowid) FROM items GROUP BY id)',
      )
      .raw()
      .all() as Array<[number, string, string]>
    this.#db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
      .run(BUILT, new Date().toISOString())
    return doubles.map(([rowid, space, path]) => (this.deleteItem(rowid), [space, path]))
  }

  /** A page's text for search (`mtimeMs`: when it was written, for a first build's order). */
  setPage(space: string, path: string, page: PageText | null, known: boolean, mtimeMs: number) {
    const old = known ? (this.#pageOf.get(space, path) as [number] | undefined) : undefined
    if (old) {
      this.#deletePage.run(old[0])
      this.#deleteDoc.run(old[0])
    }
    if (!page) return
    const rowid = this.#doc(space, page.title ?? null, page.text, Math.min(mtimeMs, Date.now()))
    this.#insertPage.run(rowid, space, path)
  }

  /** Removes a space's items and pages; the ids of the items removed. */
  dropSpace(space: string): string[] {
    const items = this.#db
      .prepare('SELECT rowid, id FROM items WHERE space = ?')
      .raw()
      .all(space) as Array<[number, string]>
    for (const [rowid] of items) this.deleteItem(rowid)
    const pages = this.#db
      .prepare('SELECT rowid FROM pages WHERE space = ?')
      .raw()
      .all(space) as Array<[number]>
    for (const [rowid] of pages) {
      this.#deletePage.run(rowid)
      this.#deleteDoc.run(rowid)
    }
    return items.map(([, id]) => id)
  }

  /** Items held back (standing after now), and where the newest shown one stands. */
  spaceStats(space: string, now: number): [number, number | null] {
    const ahead = Number((this.#ahead.get(space, now) as [number])[0])
    const newest = (this.#newest.get(space, now) as [number | null])[0]
    return [ahead, newest]
  }

  /** One page of the timeline (one row more than asked, to tell whether there is a next). */
  page(query: Query, horizon: number): ItemRow[] {
    const { where, params } = filtersOf(query, horizon)
    if (query.before) {
      where.push('(items.shown < ? OR (items.shown = ? AND items.id > ?))')
      params.push(query.before.date, query.before.date, query.before.id)
    }
    const sql = `SELECT ${ITEM_COLUMNS} FROM items JOIN docs ON docs.rowid = items.rowid WHERE ${where.join(' AND ')} ORDER BY items.shown DESC, items.id ASC LIMIT ?`
    return this.prepared(sql).all(...params, query.limit + 1) as ItemRow[]
  }

  /** Whether an item (by id) matches a full-text expression. */
  itemMatches(id: string, match: string): boolean {
    const sql =
      'SELECT 1 FROM search WHERE search MATCH ? AND rowid = (SELECT key FROM docs WHERE rowid = (SELECT rowid FROM items WHERE id = ?))'
    // Asked as each change goes out to /events: a query that fails there matches nothing, and
    // must not take the gateway down with it.
    try {
      return this.prepared(sql).raw().get(match, id) !== undefined
    } catch {
      return false
    }
  }

  /** How many items a query keeps that arrived after a time (the unread ones), up to 1,000. */
  countArrived(query: Omit<Query, 'limit'>, horizon: number, after: number): number {
    const { where, params } = filtersOf(query, horizon)
    const sql = `SELECT count(*) FROM (SELECT 1 FROM items WHERE items.arrived > ? AND ${where.join(' AND ')} LIMIT 1000)`
    return Number(
      (
        this.prepared(sql)
          .raw()
          .get(after, ...params) as [number]
      )[0],
    )
  }

  /** A statement prepared once per SQL text (prepared.ts). */
  prepared(sql: string): Statement {
    return this.#prepared.get(sql)
  }
}

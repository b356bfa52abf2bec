import { EventEmitter } from 'node:events'
import type { Item } from '../item.js'
import { arrivalOf, horizonOf, shownAt, type Page, type Query } from '../query.js'
import { isWriteFailure, transact, type Db, type OpenedIndex } from './db.js'
import { FileTable, type StoredFile } from './files.js'
import { fromRow, sameRow, toRow, type PageText } from './rows.js'
export type { PageText } from './rows.js'
import { makeIndexes } from './build.js'
import type { FillOptions } from './fill-search.js'
import { search, type SearchOptions } from './search.js'
import { SpaceCounts } from './space-counts.js'
import { Statements } from './statements.js'
import { Threads } from './threads.js'
import { OldestItems, type OldItem } from './oldest.js'

export interface StoreChange {
  /** New or changed items. */
  upserted: Item[]
  /** Ids of items that are gone. */
  removed: string[]
}

export interface FileUpdate {
  /** Announce nothing on /events (a first scan is not news). */
  quiet?: boolean
  /** The file's stats, problem and facts; null: forget the file. */
  record?: StoredFile | null
  /** The file as a page for search; null: not (or no longer) a page. */
  page?: PageText | null
  /** Items of other files of the space that this file's displace (space-limit.ts). */
  evict?: OldItem[]
}

/**
 * Every item of every space, and every page, in SQLite (store/db.ts opens it), read a page at a
 * time from its indexes. Items are replaced a file at a time, each replacement announced as one
 * `change` event. A new index is filled without most indexes, made by finishBuild() at the end.
 */
export class Store extends EventEmitter<{
  change: [StoreChange]
  /** A write the disk refused (full, failing): why. */
  unwritable: [string]
}> {
  readonly db: Db
  readonly file: string | undefined
  readonly files: FileTable
  /** Conversations: parents, roots, replies (store/threads.ts). */
  readonly threads: Threads
  readonly oldest: OldestItems
  readonly #sql: Statements
  #built: boolean
  #version = 0
  readonly #counts: SpaceCounts

  constructor(opened: OpenedIndex) {
    super()
    this.db = opened.db
    this.file = opened.file
    this.#built = opened.built
    this.#sql = new Statements(this.db)
    this.files = new FileTable(this.db)
    this.threads = new Threads(this.db, this.#sql, () => this.#built)
    this.#counts = new SpaceCounts(() => this.#sql.counts())
    this.oldest = new OldestItems(this.db)
  }

  /** Items in all spaces. */
  get size(): number {
    return this.#counts.total
  }

  /** Changes with every change of the items: a key for caches of rendered pages and feeds. */
  get version(): number {
    return this.#version
  }

  /** True once the indexes and the full-text index are made. */
  get built(): boolean {
    return this.#built
  }

  /** Runs `work` (many setFile calls: a scan, a sync burst) in one transaction. */
  bulk<T>(work: () => T): T {
    const outer = !this.db.inTransaction
    try {
      return transact(this.db, work)
    } catch (error) {
      if (outer && isWriteFailure(error)) {
        // Rolled back: the counts it changed are read again from the index.
        this.#counts.reread()
        this.emit('unwritable', (error as Error).message)
      }
      throw error
    }
  }

  /** Replaces what one file of a space brings: its items, its page, its record. */
  setFile(space: string, path: string, items: Item[], update: FileUpdate = {}): StoreChange {
    return this.bulk(() => {
      const change: StoreChange = { upserted: [], removed: [] }
      // A file the index has no record of brings nothing yet: no need to look (a new index has
      // no indexes to look with until its first build is over). A new record is made at once.
      const known = update.record
        ? !this.files.add(space, path, update.record)
        : this.files.has(space, path)
      const old = known ? this.#sql.itemsOfFile(space, path) : []
      const before = new Map(old.map((row) => [row.id, row]))
      const kept = new Set<string>()
      const now = Date.now()
      let added = 0
      for (const item of items) {
        // One id given twice, in a file or by two (a status with its "id" copied): the first wins.
        if (kept.has(item.id)) continue
        const row = toRow(item)
        const was = before.get(item.id)
        if (was && sameRow(was, row)) {
          kept.add(item.id)
          continue
        }
        if (!was && this.#built && this.#sql.idTaken(item.id)) continue
        if (was) this.#sql.deleteItem(was.rowid)
        const arrived = was ? was.arrived : arrivalOf(item.date, this.#built, now)
        this.#sql.insertItem(row, arrived, item)
        if (!was) added++
        kept.add(item.id)
        change.upserted.push({ ...item, arrived, shown: shownAt(item.date, arrived) })
        if (!this.#built) this.#counts.saw(space, item.date)
      }
      for (const row of [...old, ...(update.evict ?? [])]) {
        if (kept.has(row.id)) continue
        this.#sql.deleteItem(row.rowid)
        change.removed.push(row.id)
      }
      this.#counts.add(space, added - change.removed.length)
      if (update.page !== undefined)
        this.#sql.setPage(space, path, update.page, known, update.record?.mtimeMs ?? now)
      if (update.record === null) this.files.delete(space, path)
      else if (update.record && known) this.files.set(space, path, update.record)
      if (change.upserted.length || change.removed.length) {
        this.#version++
        if (!update.quiet) this.emit('change', change)
      }
      return change
    })
  }

  /** Forgets everything one file brought, and the file. */
  forget(space: string, path: string): StoreChange {
    return this.setFile(space, path, [], { record: null, page: null })
  }

  /**
   * Removes every item, page and file record of a space (unfollowed, or followed elsewhere); false
   * when the disk refused it (reported as `unwritable`): TimelineIndex tries again later.
   */
  dropSpace(space: string): boolean {
    let removed: string[]
    try {
      removed = this.bulk(() => (this.files.dropSpace(space), this.#sql.dropSpace(space)))
    } catch (error) {
      if (isWriteFailure(error)) return false
      throw error
    }
    this.#counts.drop(space)
    if (removed.length) {
      this.#version++
      this.emit('change', { upserted: [], removed })
    }
    return true
  }

  /** How many items a space holds, or one of its files when `path` is given. */
  countOf(space: string, path?: string): number {
    if (path === undefined) return this.#counts.of(space)
    return this.files.has(space, path) ? this.#sql.countOfFile(space, path) : 0
  }

  /** Whether an item (by id) matches a full-text expression: /events filters live items so. */
  itemMatches(id: string, match: string): boolean {
    return this.#sql.itemMatches(id, match)
  }

  /** Full-text search over items and pages (store/search.ts). */
  search(options: Omit<SearchOptions, 'now'>) {
    // The full-text index is made once a first build is over: nothing to find before.
    if (!this.#built) return { rows: [], order: 'relevance' as const }
    return search((sql) => this.#sql.prepared(sql), { ...options, now: Date.now() })
  }

  /** How many items of a query arrived after a time (ms): the unread ones. */
  countArrived(query: Omit<Query, 'limit'>, after: number): number {
    return this.#sql.countArrived(query, query.horizon ?? horizonOf(Date.now()), after)
  }

  query(query: Query): Page {
    const rows = this.#sql.page(query, query.horizon ?? horizonOf(Date.now()))
    const items = rows.slice(0, query.limit).map(fromRow)
    const last = items.at(-1)
    return rows.length > query.limit && last
      ? { items, next: { date: last.shown ?? last.date, id: last.id } }
      : { items }
  }

  /** Per space: item count and when its newest visible item appeared. */
  statsOf(space: string, now = Date.now()): { items: number; lastUpdated?: number } {
    const count = this.#counts.of(space)
    if (!this.#built) {
      const newest = this.#counts.newest(space)
      return {
        items: count,
        ...(newest !== undefined ? { lastUpdated: Math.min(newest, now) } : {}),
      }
    }
    const [ahead, lastUpdated] = this.#sql.spaceStats(space, now)
    return { items: count - ahead, ...(lastUpdated !== null ? { lastUpdated } : {}) }
  }

  /**
   * Makes the indexes and the full-text index of a new index in one pass (after its first
   * build), and from then on keeps them current with every change. Each statement runs in a
   * turn of its own, so that requests are answered in between.
   */
  async finishBuild(fill?: FillOptions): Promise<void> {
    if (this.#built || this.#building) return this.#building
    this.#building = (async () => {
      try {
        if (!(await makeIndexes(this.db, () => this.#sql.sealKeys(), fill))) return
        this.bulk(() => this.files.unclaim(this.#sql.markBuilt()))
      } catch (error) {
        // A full or failing disk: served without them, and made at the next start.
        if (!isWriteFailure(error)) throw error
        this.buildFailed = (error as Error).message
        return
      }
      this.#built = true
      this.#counts.built()
      this.#version++
    })()
    return this.#building
  }

  #building: Promise<void> | undefined
  /** Why a first build could not make its indexes (the disk was full), if it could not. */
  buildFailed: string | undefined

  close(): void {
    if (this.db.open) this.db.close()
  }
}

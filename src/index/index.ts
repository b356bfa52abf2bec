import { rmSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import type { SpaceSettings } from '../config/config.js'
import { indexLimits, type IndexLimits } from './indexer/limits.js'
import { ParsePool } from './indexer/pool.js'
import type { SpaceState } from './indexer/space-facts.js'
import { SpaceIndexer } from './indexer/space-indexer.js'
import type { Item } from './item.js'
import { horizonOf, type Cursor, type Query } from './query.js'
import { fromRow } from './store/rows.js'
import type { ThreadInfo } from './store/threads.js'
import { PostHtml } from './post-html.js'
import type { FillOptions } from './store/fill-search.js'
import { openIndex } from './store/db.js'
import { Store, type StoreChange } from './store/store.js'

/** At most 200 folder checks a second in all (RootCheck). */
const ROOT_CHECK_EACH_MS = 5

/** One conversation, as the timeline shows it (TimelineIndex.conversation). */
export interface Conversation {
  /** The root's ref (the ref asked for, when it is the root or nobody followed its parent). */
  root: string
  items: Item[]
  /** Each item's depth below the root, by id. */
  depths: Map<string, number>
  next?: Cursor
}

/**
 * The timeline index: one SpaceIndexer per followed folder, all feeding one Store. The server
 * and the commands read it through the methods below; nothing here knows about HTTP.
 */
export class TimelineIndex extends EventEmitter<{
  change: [StoreChange]
  /** A space's status changed, or it was followed or unfollowed. */
  space: [string]
  /** Something in a space's folder changed. */
  touched: [string]
  progress: []
}> {
  readonly store: Store
  /** How the index was opened, for the log (moved aside, kept in memory…). */
  readonly notes: string[]
  #spaces = new Map<string, SpaceIndexer>()
  readonly #pool: ParsePool | undefined
  readonly #posts: PostHtml
  /** How a new index fills its full-text index (tests pause it between chunks). */
  readonly #fill: FillOptions | undefined
  #dropRetry: NodeJS.Timeout | undefined
  /** The first write the disk refused, should that be before the log listens (reportIndexing). */
  refused: string | undefined

  /**
   * `cacheDir`: where the index is kept between runs (`index.db`); without one it lives in
   * memory, as for one-shot commands; `fill`: how a new one fills its full-text index. Throws
   * IndexBusy when another gateway holds it.
   */
  constructor(
    readonly limits: IndexLimits = indexLimits(),
    { cacheDir, fill }: { cacheDir?: string; fill?: FillOptions } = {},
  ) {
    super()
    this.#fill = fill
    const opened = openIndex(cacheDir)
    this.store = new Store(opened)
    this.notes = opened.notes
    this.#pool = ParsePool.create(limits.parseTimeoutMs)
    this.#posts = new PostHtml(this.#pool, limits.maxParseBytes, (item, reason) =>
      this.#spaces.get(item.space)?.facts.problem(item.path, reason),
    )
    this.store.on('change', (change) => this.emit('change', change))
    this.store.once('unwritable', (reason) => (this.refused = reason))
  }

  /** Starts indexing new spaces, stops and drops removed ones, restarts moved ones. */
  setSpaces(list: readonly SpaceSettings[]) {
    const wanted = new Map(list.map((s) => [s.name, s]))
    for (const [name, indexer] of this.#spaces) {
      const next = wanted.get(name)
      if (next && next.root === indexer.settings.root && next.title === indexer.settings.title)
        continue
      indexer.stop()
      indexer.removeAllListeners()
      this.#spaces.delete(name)
      // Followed elsewhere: what the old folder brought goes now (unfollowed: #dropUnfollowed).
      if (next && next.root !== indexer.settings.root) this.store.dropSpace(name)
      if (!next) this.emit('space', name)
      this.emit('touched', name)
    }
    // Each folder is checked every second, or less often when there are so many that the
    // checks would take the server's time: 1,000 spaces checked each second cost 6 % of the
    // main thread under load, and /timeline.json's p99 with it.
    const limits = {
      ...this.limits,
      rootCheckMs: Math.max(this.limits.rootCheckMs, list.length * ROOT_CHECK_EACH_MS),
    }
    for (const settings of list) {
      if (this.#spaces.has(settings.name)) continue
      const indexer = new SpaceIndexer(settings, this.store, limits, this.#pool)
      indexer.on('status', () => this.emit('space', settings.name))
      indexer.on('progress', () => this.emit('progress'))
      indexer.on('touched', () => this.emit('touched', settings.name))
      this.#spaces.set(settings.name, indexer)
      void indexer.start()
      this.emit('space', settings.name)
    }
    this.#dropUnfollowed()
    // A new index makes its indexes once its first build is over.
    if (!this.store.built) void this.ready()
  }

  /**
   * Drops what the index holds of spaces it no longer follows, including those unfollowed while
   * no gateway ran. A drop the disk refuses (full) is tried again after limits.rescanMs.
   */
  #dropUnfollowed() {
    clearTimeout(this.#dropRetry)
    let refused = false
    for (const name of this.store.files.spaces())
      if (!this.#spaces.has(name) && !this.store.dropSpace(name)) refused = true
    if (refused)
      this.#dropRetry = setTimeout(() => this.#dropUnfollowed(), this.limits.rescanMs).unref()
  }

  /** The spaces it follows, by name. */
  get names(): string[] {
    return [...this.#spaces.keys()]
  }

  /** What the index knows of a space; undefined when it does not follow it. */
  space(name: string): SpaceState | undefined {
    return this.#spaces.get(name)?.state()
  }

  /** True while a space's watcher reports every change: caches of its files may trust it. */
  isWatched(name: string): boolean {
    return this.#spaces.get(name)?.watched ?? false
  }

  /** True while any space is still on its first scan. */
  get indexing(): boolean {
    for (const s of this.#spaces.values()) if (s.status === 'indexing') return true
    return false
  }

  /** Files scanned so far (and read again), spaces done, for progress on stderr. */
  progress() {
    let files = 0
    let reread = 0
    let unchanged = 0
    let done = 0
    for (const s of this.#spaces.values()) {
      files += s.reads.found
      reread += s.reads.reread
      unchanged += s.reads.unchanged
      if (s.status !== 'indexing') done++
    }
    return { files, reread, unchanged, done, spaces: this.#spaces.size }
  }

  /**
   * Resolves when every space has finished its first scan, and a new index has made its
   * indexes (store.finishBuild) after that first build.
   */
  async ready(): Promise<void> {
    await this.scanned()
    const building = !this.store.built
    await this.store.finishBuild(this.#fill)
    // Its end dropped ids given twice, which may leave spaces room for items left out.
    if (building && this.store.built)
      for (const space of this.#spaces.values()) space.files.refill()
  }

  /** Resolves when every space has finished its first scan (before ready's indexes). */
  async scanned(): Promise<void> {
    await Promise.all([...this.#spaces.values()].map((s) => s.ready()))
  }

  /** Workers for work that could stall the main thread; undefined when none can be started. */
  get pool(): ParsePool | undefined {
    return this.#pool
  }

  close() {
    clearTimeout(this.#dropRetry)
    for (const indexer of this.#spaces.values()) indexer.stop()
    this.#pool?.close()
    this.store.close()
    // Who holds the index, for a second gateway's message (store/db.ts): nobody now.
    if (this.store.file) rmSync(`${this.store.file}.pid`, { force: true })
  }

  /** Where items stand in their conversations: parent, root, replies below. */
  threadInfo(items: readonly Item[]): Map<string, ThreadInfo> {
    return this.store.threads.infoOf(items)
  }

  /**
   * The conversation an item belongs to, by its ref (or its root's): the root first, then the
   * replies, oldest first, with their depth. `paged`: `query.limit` of them after `query.before`.
   */
  conversation(ref: string, query: Query, paged: boolean): Conversation {
    const threads = this.store.threads
    const root = threads.rootOf(ref)
    const all = threads.conversation(root, query, query.horizon ?? horizonOf(Date.now()))
    let start = 0
    if (paged && query.before) {
      const { date, id } = query.before
      const at = all.findIndex(({ row }) => row.id === id)
      // The item a page ended on may be gone since (a friend deleted that reply): go on from
      // where it stood, as replies come oldest first after the root, not from the top again.
      const after = all.findIndex(
        ({ row }) => row.ref !== root && (row.shown > date || (row.shown === date && row.id > id)),
      )
      start = at !== -1 ? at + 1 : after === -1 ? all.length : after
    }
    const end = paged ? start + query.limit : all.length
    const page = all.slice(start, end)
    const last = page.at(-1)?.row
    return {
      root,
      items: page.map(({ row }) => fromRow(row)),
      depths: new Map(page.map(({ row, depth }) => [row.id, depth])),
      ...(end < all.length && last ? { next: { date: last.shown, id: last.id } } : {}),
    }
  }

  /** An item's full HTML (posts render theirs on first use). */
  htmlOf(item: Item): Promise<string> {
    return this.#posts.of(item, this.#spaces.get(item.space)?.settings.root)
  }
}

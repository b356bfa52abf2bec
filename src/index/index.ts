import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { SpaceSettings } from '../config/config.js'
import { BoundedCache, stringBytes } from '../cache.js'
import { NestingError } from '../nesting.js'
import { realFolder } from '../spaces/resolve.js'
import { readInSpace } from '../spaces/open.js'
import type { Item } from './item.js'
import { renderPostHtml } from './parsers/post.js'
import { ParsePool, TaskFailed } from './indexer/pool.js'
import { indexLimits, SpaceIndexer, type IndexLimits } from './indexer/space-indexer.js'
import { Store, type StoreChange } from './store.js'

const HTML_CACHE_BYTES = 16 * 1024 * 1024

/**
 * The timeline index: one SpaceIndexer per followed folder, all feeding one Store. The server
 * and the `timeline` command read it; nothing here knows about HTTP.
 */
export class TimelineIndex extends EventEmitter<{
  change: [StoreChange]
  /** A space's status changed, or it was followed or unfollowed. */
  space: [string]
  /** Something in a space's folder changed. */
  touched: [string]
  progress: []
}> {
  readonly store = new Store()
  readonly spaces = new Map<string, SpaceIndexer>()
  // Post HTML by item and file version: a new version is a new key.
  #html = new BoundedCache<string, string>(HTML_CACHE_BYTES, stringBytes)
  // A post item object is replaced whenever its file changes, so while it lives its HTML holds.
  #htmlOfItem = new WeakMap<Item, string>()

  readonly #pool: ParsePool | undefined

  constructor(readonly limits: IndexLimits = indexLimits()) {
    super()
    this.#pool = ParsePool.create(limits.parseTimeoutMs)
    this.store.on('change', (change) => this.emit('change', change))
  }

  /** Starts indexing new spaces, stops and drops removed ones, restarts moved ones. */
  setSpaces(list: readonly SpaceSettings[]) {
    const wanted = new Map(list.map((s) => [s.name, s]))
    for (const [name, indexer] of this.spaces) {
      const next = wanted.get(name)
      if (next && next.root === indexer.settings.root && next.title === indexer.settings.title)
        continue
      indexer.stop()
      indexer.removeAllListeners()
      this.spaces.delete(name)
      if (!next || next.root !== indexer.settings.root) this.store.dropSpace(name)
      if (!next) this.emit('space', name)
      this.emit('touched', name)
    }
    for (const settings of list) {
      if (this.spaces.has(settings.name)) continue
      const indexer = new SpaceIndexer(settings, this.store, this.limits, this.#pool)
      indexer.on('status', (s) => this.emit('space', s.name))
      indexer.on('progress', () => this.emit('progress'))
      indexer.on('touched', () => this.emit('touched', settings.name))
      this.spaces.set(settings.name, indexer)
      void indexer.start()
      this.emit('space', settings.name)
    }
  }

  /** Resolves when every space has finished its first scan. */
  async ready(): Promise<void> {
    await Promise.all([...this.spaces.values()].map((s) => s.ready()))
  }

  /** Files scanned so far, over all spaces (for progress on stderr). */
  get filesScanned(): number {
    let files = 0
    for (const s of this.spaces.values()) files += s.files
    return files
  }

  /** Workers for work that could stall the main thread; undefined when none can be started. */
  get pool(): ParsePool | undefined {
    return this.#pool
  }

  close() {
    for (const indexer of this.spaces.values()) indexer.stop()
    this.#pool?.close()
  }

  /**
   * An item's full HTML. Posts are rendered on first use (read through the contained opener,
   * rendered in a worker under the parse deadline), cached by the file's version. A post that
   * cannot be rendered is shown without its HTML, and its space lists why.
   */
  async htmlOf(item: Item): Promise<string> {
    if (!item.lazyHtml) return item.html
    const known = this.#htmlOfItem.get(item)
    if (known !== undefined) return known
    const html = await this.#renderPost(item)
    this.#htmlOfItem.set(item, html)
    return html
  }

  async #renderPost(item: Item): Promise<string> {
    const space = this.spaces.get(item.space)
    const root = space && (await realFolder(space.settings.root))
    const read = root && (await readInSpace(root, join(root, item.path), this.limits.maxParseBytes))
    if (!space || !read) return ''
    const key = `${item.id}|${read.stats.dev}:${read.stats.ino}:${read.stats.size}:${read.stats.mtimeMs}`
    const cached = this.#html.get(key)
    if (cached !== undefined) return cached
    const source = read.body.toString('utf8')
    let html = ''
    try {
      html = this.#pool
        ? await this.#pool.renderPostHtml(source, item.space, item.path)
        : renderPostHtml(source, item.space, item.path)
    } catch (error) {
      if (!(error instanceof TaskFailed) && !(error instanceof NestingError)) throw error
      space.problems.set(
        item.path,
        `its text could not be rendered: ${error.message}; it is shown by its summary`,
      )
    }
    this.#html.set(key, html)
    return html
  }
}

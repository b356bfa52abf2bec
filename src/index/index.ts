import { EventEmitter } from 'node:events'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SpaceSettings } from '../config.js'
import { containedReal, realFolder } from '../resolve.js'
import type { Item } from './item.js'
import { renderPostHtml } from './post.js'
import { OFFLOAD_BYTES, ParsePool } from './parse-pool.js'
import { indexLimits, SpaceIndexer, type IndexLimits } from './space-indexer.js'
import { Store, type StoreChange } from './store.js'

const HTML_CACHE_ENTRIES = 2000

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
  #html = new Map<string, { key: string; html: string }>()
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
   * An item's full HTML. Posts are rendered on first use (from the file, which must still be
   * a regular file inside the space), cached by the file's mtime and size.
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
    const found = root && (await containedReal(root, join(root, item.path)))
    if (!found || !found.stats.isFile() || found.stats.size > this.limits.maxParseBytes) return ''
    const key = `${found.stats.mtimeMs}:${found.stats.size}`
    const cached = this.#html.get(item.id)
    if (cached?.key === key) return cached.html
    const source = await readFile(found.real, 'utf8')
    // As for pages: a large post renders in a worker, and one that overruns the deadline is
    // shown by its summary alone.
    const html =
      this.#pool && found.stats.size > OFFLOAD_BYTES
        ? await this.#pool.renderPostHtml(source, item.space, item.path).catch(() => '')
        : renderPostHtml(source, item.space, item.path)
    this.#html.delete(item.id)
    this.#html.set(item.id, { key, html })
    if (this.#html.size > HTML_CACHE_ENTRIES) this.#html.delete(this.#html.keys().next().value!)
    return html
  }
}

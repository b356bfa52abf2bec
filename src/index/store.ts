import { EventEmitter } from 'node:events'
import type { Item } from './item.js'
import { compareItems, horizonOf, matches, type Cursor, type Page, type Query } from './query.js'

export interface StoreChange {
  /** New or changed items. */
  upserted: Item[]
  /** Ids of items that are gone. */
  removed: string[]
}

/**
 * Every item of every space, in timeline order. Items are replaced a file at a time (a file is
 * the unit a parser sees), and each replacement is announced as one `change` event. The sorted
 * list is kept by binary insertion for single changes, and re-sorted once after a bulk load.
 */
export class Store extends EventEmitter<{ change: [StoreChange] }> {
  #items = new Map<string, Item>()
  /** space → path → ids of the items that file holds */
  #byFile = new Map<string, Map<string, string[]>>()
  #sorted: Item[] = []
  #dirty = false
  /** space → number of items, for the per-space limit */
  #counts = new Map<string, number>()

  get size(): number {
    return this.#items.size
  }

  /** Changes with every change of the items: a key for caches of rendered pages and feeds. */
  get version(): number {
    return this.#version
  }

  #version = 0

  /** Replaces the items that came from one file of a space; [] removes them. */
  setFile(
    space: string,
    path: string,
    items: Item[],
    options: { quiet?: boolean } = {},
  ): StoreChange {
    let files = this.#byFile.get(space)
    if (!files) this.#byFile.set(space, (files = new Map()))
    const before = files.get(path) ?? []
    const change: StoreChange = { upserted: [], removed: [] }
    const keep = new Set<string>()
    for (const item of items) {
      // Two files claiming one id (a status with an explicit "id" copied): the first one wins.
      const owner = this.#items.get(item.id)
      if (owner && owner.space === space && owner.path !== path) continue
      if (owner && owner.space !== space) continue
      keep.add(item.id)
      if (owner && sameItem(owner, item)) continue
      if (owner) this.#remove(owner)
      this.#insert(item)
      change.upserted.push(item)
    }
    for (const id of before) {
      if (keep.has(id)) continue
      const old = this.#items.get(id)
      if (old && old.path === path && old.space === space) {
        this.#remove(old)
        change.removed.push(id)
      }
    }
    if (keep.size) files.set(path, [...keep])
    else files.delete(path)
    this.#counts.set(space, this.countOf(space) + keep.size - before.length)
    if (change.upserted.length || change.removed.length) {
      this.#version++
      if (!options.quiet) this.emit('change', change)
    }
    return change
  }

  /** Removes every item of a space (it was unfollowed, or its folder went away). */
  dropSpace(space: string): StoreChange {
    const removed: string[] = []
    for (const ids of this.#byFile.get(space)?.values() ?? []) {
      for (const id of ids) {
        if (this.#items.delete(id)) removed.push(id)
      }
    }
    this.#byFile.delete(space)
    this.#counts.delete(space)
    if (removed.length) {
      this.#version++
      this.#dirty = true
      this.emit('change', { upserted: [], removed })
    }
    return { upserted: [], removed }
  }

  /** How many items a space holds, or one of its files when `path` is given. */
  countOf(space: string, path?: string): number {
    if (path !== undefined) return this.#byFile.get(space)?.get(path)?.length ?? 0
    return this.#counts.get(space) ?? 0
  }

  /** The paths of a space's files that hold items, for removing a deleted folder's files. */
  pathsOf(space: string): string[] {
    return [...(this.#byFile.get(space)?.keys() ?? [])]
  }

  get(id: string): Item | undefined {
    return this.#items.get(id)
  }

  query(query: Query): Page {
    const sorted = this.#ordered()
    const horizon = query.horizon ?? horizonOf(Date.now())
    let start = 0
    if (query.before) {
      const cursor = query.before
      start = upperBound(sorted, cursor)
    }
    const items: Item[] = []
    let index = start
    for (; index < sorted.length && items.length < query.limit; index++) {
      const item = sorted[index]!
      if (matches(item, query, horizon)) items.push(item)
    }
    const last = items.at(-1)
    return index < sorted.length && last && items.length === query.limit
      ? { items, next: { date: last.date, id: last.id } }
      : { items }
  }

  /** Per space: item count and newest visible item date. */
  statsOf(space: string, horizon = horizonOf(Date.now())): { items: number; lastUpdated?: number } {
    let items = 0
    let lastUpdated: number | undefined
    for (const item of this.#ordered()) {
      if (item.space !== space || item.date > horizon) continue
      items++
      lastUpdated ??= item.date
    }
    return { items, ...(lastUpdated !== undefined ? { lastUpdated } : {}) }
  }

  /**
   * Runs `work` (many setFile calls: a start-up scan, a sync burst) with the order kept lazily:
   * items are appended and the list is filtered and sorted once, on the next query.
   */
  bulk<T>(work: () => T): T {
    this.#bulk++
    try {
      return work()
    } finally {
      this.#bulk--
    }
  }

  #bulk = 0

  #ordered(): Item[] {
    if (this.#dirty) {
      this.#sorted = this.#sorted.filter((item) => this.#items.get(item.id) === item)
      this.#sorted.sort(compareItems)
      this.#dirty = false
    }
    return this.#sorted
  }

  #insert(item: Item) {
    this.#items.set(item.id, item)
    if (this.#bulk || this.#dirty) {
      this.#sorted.push(item)
      this.#dirty = true
    } else {
      this.#sorted.splice(upperBound(this.#sorted, item), 0, item)
    }
  }

  #remove(item: Item) {
    this.#items.delete(item.id)
    if (this.#bulk || this.#dirty) {
      this.#dirty = true
      return
    }
    const at = lowerBound(this.#sorted, item)
    if (this.#sorted[at] === item) this.#sorted.splice(at, 1)
  }
}

function sameItem(a: Item, b: Item): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** First index whose item comes after `key` in timeline order. */
function upperBound(sorted: Item[], key: Cursor): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareItems(sorted[mid]!, key) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index whose item is not before `key` in timeline order. */
function lowerBound(sorted: Item[], key: Cursor): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareItems(sorted[mid]!, key) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

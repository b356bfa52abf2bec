/**
 * The one cache helper: least recently used entries go first, and the whole cache stays under
 * a byte budget (an entry count alone lets a client fill memory with a few large entries, or a
 * page vary a key: 70 query strings once took the timeline cache to 7 GB). Keys are the caller's
 * to normalise; sizes are the caller's estimate of what an entry holds.
 *
 * What invalidates what (one table for every cache that uses this):
 *
 * | cache                        | key                                           | dropped by                         |
 * | ---------------------------- | --------------------------------------------- | ---------------------------------- |
 * | resolve (site)               | space, watcher generation, raw path           | any change the space's watcher saw |
 * | rendered pages (site)        | file dev/inode/size/mtime, origin and base    | a new file version (a new key)     |
 * | timeline feeds and page      | store version, minute, filters, host          | any item change (a new key)        |
 * | post HTML (index)            | item id, file dev/inode/size/mtime            | a new file version (a new key)     |
 * | folder order (listings)      | folder dev/inode/mtime                        | an entry added or removed          |
 *
 * Keys that change with what they describe make stale entries unreachable; they then age out.
 */
export class BoundedCache<K, V> {
  #entries = new Map<K, { value: V; bytes: number; used: boolean }>()
  #bytes = 0

  constructor(
    readonly maxBytes: number,
    readonly sizeOf: (value: V) => number,
  ) {}

  get size(): number {
    return this.#entries.size
  }

  /** What the entries hold, by the caller's estimates. */
  get bytes(): number {
    return this.#bytes
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    // Marked, not moved: a hit on the fast path costs no Map churn. Eviction gives a marked
    // entry a second chance (the CLOCK approximation of least recently used).
    entry.used = true
    return entry.value
  }

  /** Stores `value`, dropping entries not used lately to stay under the budget. */
  set(key: K, value: V): void {
    this.delete(key)
    // The key counts too: a page can vary a long path thousands of times.
    const bytes = this.sizeOf(value) + (typeof key === 'string' ? key.length * 2 : 0) + 64
    // An entry that would take over a quarter of the budget is not worth evicting others for.
    if (bytes > this.maxBytes / 4) return
    this.#entries.set(key, { value, bytes, used: false })
    this.#bytes += bytes
    while (this.#bytes > this.maxBytes) {
      const [oldest, entry] = this.#entries.entries().next().value!
      this.#entries.delete(oldest)
      if (entry.used) {
        entry.used = false
        this.#entries.set(oldest, entry)
      } else this.#bytes -= entry.bytes
    }
  }

  delete(key: K): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#entries.delete(key)
    this.#bytes -= entry.bytes
  }

  clear(): void {
    this.#entries.clear()
    this.#bytes = 0
  }
}

/** Bytes a string takes in V8 (two per character, at most), for sizeOf estimates. */
export function stringBytes(text: string): number {
  return text.length * 2
}

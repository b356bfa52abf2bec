/**
 * Paths a space's watcher named, handled in bursts: everything that arrives within one turn of
 * the event loop is one batch (a sync delivering thousands of files), and `null` in a batch
 * asks for a full rescan instead. Batches run one at a time, in order.
 */
export class ChangeQueue {
  #pending = new Set<string | null>()
  #draining = false

  constructor(readonly handle: (batch: Array<string | null>) => Promise<void>) {}

  add(path: string | null) {
    this.#pending.add(path)
    if (this.#draining) return
    this.#draining = true
    setImmediate(() => void this.#drain())
  }

  clear() {
    this.#pending.clear()
  }

  async #drain() {
    try {
      while (this.#pending.size) {
        const batch = [...this.#pending]
        this.#pending.clear()
        await this.handle(batch)
      }
    } finally {
      this.#draining = false
    }
  }
}

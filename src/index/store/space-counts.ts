/**
 * Each space's number of items, kept in memory so that pages asking for every space's count
 * cost nothing; and, while a first build runs (without the indexes that would answer it), the
 * date of each space's newest item.
 */
export class SpaceCounts {
  #counts = new Map<string, number>()
  #newest = new Map<string, number>()

  /** `read`: each space's count, as the index holds it. */
  constructor(readonly read: () => Array<[string, number]>) {
    this.reread()
  }

  /** Takes the counts from the index again (a write that changed them was rolled back). */
  reread() {
    this.#counts = new Map(this.read())
  }

  get total(): number {
    let total = 0
    for (const count of this.#counts.values()) total += count
    return total
  }

  of(space: string): number {
    return this.#counts.get(space) ?? 0
  }

  add(space: string, delta: number) {
    if (delta) this.#counts.set(space, this.of(space) + delta)
  }

  /** An item a first build wrote, dated `date`. */
  saw(space: string, date: number) {
    this.#newest.set(space, Math.max(this.#newest.get(space) ?? 0, date))
  }

  /** The newest item a first build wrote so far. */
  newest(space: string): number | undefined {
    return this.#newest.get(space)
  }

  /**
   * The first build is over: the index answers what `newest` did, and the counts are read again
   * (the build dropped the later items of an id claimed twice).
   */
  built() {
    this.#newest.clear()
    this.reread()
  }

  drop(space: string) {
    this.#counts.delete(space)
    this.#newest.delete(space)
  }
}

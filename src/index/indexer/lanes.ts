/**
 * The pool's waiting room. Renders someone is waiting for (a page, a feed's post HTML) go first;
 * then each space's parse tasks in turn, one task per space per turn, so that a space of
 * crafted slow files delays its own indexing, not everyone else's.
 */
export class Lanes<T> {
  #interactive: T[] = []
  // Insertion order is the round: a space served goes to the back.
  #spaces = new Map<string, T[]>()

  get size(): number {
    let size = this.#interactive.length
    for (const queue of this.#spaces.values()) size += queue.length
    return size
  }

  /** True when an interactive task waits. */
  get urgent(): boolean {
    return this.#interactive.length > 0
  }

  push(item: T, space?: string) {
    if (space === undefined) return void this.#interactive.push(item)
    const queue = this.#spaces.get(space)
    if (queue) queue.push(item)
    else this.#spaces.set(space, [item])
  }

  next(): T | undefined {
    const urgent = this.#interactive.shift()
    if (urgent) return urgent
    for (const [space, queue] of this.#spaces) {
      const item = queue.shift()!
      this.#spaces.delete(space)
      if (queue.length) this.#spaces.set(space, queue)
      return item
    }
    return undefined
  }

  /** Everything still waiting, emptied. */
  drain(): T[] {
    const all = [...this.#interactive, ...[...this.#spaces.values()].flat()]
    this.#interactive = []
    this.#spaces.clear()
    return all
  }
}

import type { Item } from '../item.js'
import { shownAt } from '../query.js'
import type { OldItem } from '../store/oldest.js'
import type { Store } from '../store/store.js'

/** The problem of a file some of whose items a space at its limit leaves out (how many of all). */
export function leftOutReason(max: number, left?: number, of?: number): string {
  const which =
    left === undefined
      ? 'some of its items are'
      : of === 1
        ? 'its item is'
        : `${left} of its ${of} items are`
  return `${which} left out of the timeline and search: the space keeps its newest ${max} items (limits.maxItemsPerSpace)`
}

export interface Fitted {
  /** The file's items that the space keeps. */
  items: Item[]
  /** Items of other files of the space that these displace: the oldest of it. */
  evict: OldItem[]
  /** Set when some of the file's own items are left out: why, and where the newest would stand. */
  problem?: string
  leftOut?: number
}

/**
 * limits.maxItemsPerSpace: a space keeps its newest `max` items, by where they stand in the
 * timeline. A file that brings more than the room left displaces the space's oldest items of
 * other files with its newer ones; those files, and this one if some of its items are still
 * left out, say so, and are read again when room is made (SpaceFiles, LeftOut). A friend's flood of
 * files then costs the timeline its oldest items, not the newest ones a scan happened to find
 * last (folders are listed in no set order).
 */
export function fitInSpace(
  store: Store,
  space: string,
  path: string,
  items: Item[],
  max: number,
): Fitted {
  // The file's own items count again only when the space is near its limit (a lookup a file).
  let room = max - store.countOf(space)
  if (items.length > room) room += store.countOf(space, path)
  if (items.length <= room) return { items, evict: [] }
  const now = Date.now()
  // Where each would stand, as Store.setFile will place it (a first build's arrived when dated).
  const standing = (item: Item) => shownAt(item.date, store.built ? now : Math.min(item.date, now))
  const newest = items
    .map((item) => ({ item, shown: standing(item) }))
    .sort((a, b) => b.shown - a.shown)
  const free = Math.max(0, room)
  const oldest = store.oldest.of(space, path, newest.length - free)
  let evicted = 0
  while (evicted < oldest.length && newest[free + evicted]!.shown > oldest[evicted]!.shown)
    evicted++
  const kept = free + evicted
  return {
    items: newest.slice(0, kept).map(({ item }) => item),
    evict: oldest.slice(0, evicted),
    ...(kept < items.length
      ? {
          problem: leftOutReason(max, items.length - kept, items.length),
          leftOut: newest[kept]!.shown,
        }
      : {}),
  }
}

/**
 * One space's side of its limit: fits each file's items (fitInSpace), keeps the left_out
 * table (store/left-out.ts) as files are read, and names the files to read when room is made.
 */
export class SpaceLimit {
  /** True once the space left items out: files read from then on clear their mark. */
  #leavesOut = false

  constructor(
    readonly store: Store,
    readonly space: string,
    readonly max: number,
  ) {}

  /** The space comes online: whether its index holds items left out. */
  reset() {
    this.#leavesOut = this.store.files.leftOut.newest(this.space, 1).length > 0
  }

  fit(path: string, items: Item[]): Fitted {
    return fitInSpace(this.store, this.space, path, items, this.max)
  }

  /** After a file's items are written (`recorded`: it has a record): what is left out now. */
  wrote(path: string, fit: Fitted, recorded: boolean) {
    if (!this.#leavesOut && !fit.problem && !fit.evict.length) return
    const { files } = this.store
    this.#leavesOut = true
    files.leftOut.clear(this.space, path)
    if (recorded && fit.leftOut !== undefined) files.leftOut.mark(this.space, path, fit.leftOut)
    for (const old of fit.evict) {
      files.leftOut.mark(this.space, old.path, old.shown)
      files.setProblem(this.space, old.path, leftOutReason(this.max))
    }
  }

  /** The files that hold the newest items left out, as many as the space has room for. */
  waiting(): string[] {
    const room = this.#leavesOut ? this.max - this.store.countOf(this.space) : 0
    return room > 0 ? this.store.files.leftOut.newest(this.space, room) : []
  }
}

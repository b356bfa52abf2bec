import type { Item } from '../item.js'
import { arrivalOf, shownAt } from '../query.js'
import type { OldItem } from '../store/oldest.js'
import type { Store } from '../store/store.js'

/** The problem of a file some of whose items a space at its limit leaves out (how many of all). */
export function leftOutReason(max: number, left?: number, of?: number): string {
  const which =
    left === undefined
      ? 'items of this file are'
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
  /** Set when some of the file's own items are left out: why, and the rank of the newest. */
  problem?: string
  leftOut?: number
}

/**
 * How an item ranks for its space's room: where it stands in the timeline, except that one
 * standing ahead of now (held back until the horizon lets it in) ranks below every other.
 */
const rank = (shown: number, now: number) => (shown > now ? 0 : shown)

/**
 * limits.maxItemsPerSpace: a space keeps its newest `max` items, by where they stand in the
 * timeline. A file that brings more than the room left displaces the space's lowest items of
 * other files with its newer ones; those files, and this one if some of its items are still
 * left out, say so, and are read again when room is made (SpaceLimit.waiting). A friend's
 * flood of files then costs the timeline its oldest items, not the newest ones a scan happened
 * to find last (folders are listed in no set order). Only items that will be stored compete:
 * an id given twice counts once, and one another file holds not at all (Store.setFile).
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
  const ids = new Set<string>()
  const mine = items.filter(
    (item) =>
      !ids.has(item.id) &&
      ids.add(item.id) &&
      !(store.built && store.oldest.heldElsewhere(item.id, space, path)),
  )
  // Where each would stand, as Store.setFile will place it.
  const newest = mine
    .map((item) => ({
      item,
      rank: rank(shownAt(item.date, arrivalOf(item.date, store.built, now)), now),
    }))
    .sort((a, b) => b.rank - a.rank)
  const free = Math.max(0, room)
  const oldest = store.oldest.of(space, path, newest.length - free, now)
  let evicted = 0
  while (
    evicted < oldest.length &&
    newest[free + evicted]!.rank > rank(oldest[evicted]!.shown, now)
  )
    evicted++
  const kept = Math.min(newest.length, free + evicted)
  return {
    items: newest.slice(0, kept).map(({ item }) => item),
    evict: oldest.slice(0, evicted),
    ...(kept < newest.length
      ? {
          problem: leftOutReason(max, newest.length - kept, newest.length),
          leftOut: newest[kept]!.rank,
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
    const now = Date.now()
    for (const old of fit.evict) {
      files.leftOut.mark(this.space, old.path, rank(old.shown, now))
      files.setProblem(this.space, old.path, leftOutReason(this.max))
    }
  }

  get leavesOut(): boolean {
    return this.#leavesOut
  }

  /**
   * The files to read again (but those in `seen`): those that hold the newest items left out,
   * as many as the space has room for, and then any whose newest item left out ranks above
   * the space's lowest (room a file's edit gave back, or items that came in while it waited).
   */
  waiting(seen: Set<string>): string[] {
    if (!this.#leavesOut) return []
    const now = Date.now()
    let room = this.max - this.store.countOf(this.space)
    const lowest = this.store.oldest.of(this.space, '', 1, now)[0]
    const floor = lowest ? rank(lowest.shown, now) : -1
    const paths: string[] = []
    const rows = this.store.files.leftOut.newest(this.space, Math.max(room, 0) + seen.size + 64)
    for (const [path, shown] of rows) {
      if (seen.has(path)) continue
      if (room > 0) room--
      else if (shown <= floor) break
      paths.push(path)
    }
    return paths
  }
}

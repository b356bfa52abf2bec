import type { Item } from '../item.js'
import type { Follow } from '../parsers/follows.js'
import type { ParsedFile, ParsedSource } from '../parsers/parse-file.js'
import type { TwtxtMeta } from '../parsers/twtxt.js'
import type { Store } from '../store.js'
import type { IndexLimits } from './limits.js'

export type SpaceStatus = 'indexing' | 'ready' | 'offline'

/** What the index knows of a space, as plain data for pages, the API and the CLI. */
export interface SpaceState {
  status: SpaceStatus
  /** Set when the watcher failed and the space is kept current by periodic rescans. */
  degraded?: string
  /** While offline: why, as the end of "The folder of NAME …" ("is missing"). */
  offline?: string
  /** Files (and unreadable folders) seen by the last full scan. */
  files: number
  /** Files that were skipped, and why, by path: the first MAX_SHOWN_PROBLEMS of them. */
  problems: Array<{ file: string; reason: string }>
  /** How many files were skipped in all. */
  problemCount: number
  /** From follows.json, when the space has one. */
  follows?: Follow[]
  twtxt?: TwtxtMeta
}

/**
 * What a space's files say about it, besides its items: its status, the files skipped and
 * why, whom it follows, its twtxt metadata. Kept by its SpaceIndexer, read as a snapshot.
 */
export class SpaceFacts {
  status: SpaceStatus = 'indexing'
  degraded: string | undefined
  offline: string | undefined
  files = 0
  #problems = new Map<string, string>()
  #follows: Follow[] | undefined
  #twtxt: TwtxtMeta | undefined

  reset() {
    this.#problems.clear()
    this.#follows = this.#twtxt = undefined
    this.files = 0
  }

  /** Sets (or, with undefined, clears) the problem of a path. */
  problem(path: string, reason: string | undefined) {
    if (reason) this.#problems.set(path, reason)
    else this.#problems.delete(path)
  }

  hasProblem(path: string): boolean {
    return this.#problems.has(path)
  }

  problemPaths(): string[] {
    return [...this.#problems.keys()]
  }

  forget(path: string) {
    this.#problems.delete(path)
    if (path === 'follows.json') this.#follows = undefined
  }

  /**
   * Takes in one file's parse result: its problem, what it says about the space, and the items
   * to store. A space that floods the timeline keeps its newest items from this file, and says
   * so (limits.maxItemsPerSpace).
   */
  record(
    path: string,
    source: ParsedSource,
    result: ParsedFile,
    store: Store,
    { maxItemsPerSpace: max }: IndexLimits,
    space: string,
  ): { items?: Item[]; alternate?: string } {
    this.problem(path, result.problem)
    if (source === 'follows') {
      this.#follows = result.follows
      return {}
    }
    if (source === 'home') return { alternate: result.alternate ?? undefined }
    if (result.twtxt) this.#twtxt = result.twtxt
    const items = result.items
    const room = max - (store.countOf(space) - store.countOf(space, path))
    if (items.length <= room) return { items }
    const kept = Math.max(0, room)
    this.problem(
      path,
      `${kept} of its ${items.length} items are in the timeline: the space reached limits.maxItemsPerSpace (${max})`,
    )
    return { items: [...items].sort((a, b) => b.date - a.date).slice(0, kept) }
  }

  snapshot(): SpaceState {
    return {
      status: this.status,
      ...(this.degraded ? { degraded: this.degraded } : {}),
      ...(this.status === 'offline' && this.offline ? { offline: this.offline } : {}),
      files: this.files,
      problems: firstProblems(this.#problems),
      problemCount: this.#problems.size,
      ...(this.#follows ? { follows: this.#follows } : {}),
      ...(this.#twtxt ? { twtxt: this.#twtxt } : {}),
    }
  }
}

/**
 * Pages, the API and /events read a space's problems often: a folder of 100,000 broken files
 * made each /api/spaces 14 MB and 200 ms. They get the first few, sorted, and the count.
 */
export const MAX_SHOWN_PROBLEMS = 1000

function firstProblems(problems: Map<string, string>) {
  const shown: Array<{ file: string; reason: string }> = []
  for (const [file, reason] of problems) {
    if (shown.length >= MAX_SHOWN_PROBLEMS) break
    shown.push({ file, reason })
  }
  return shown.sort((a, b) => (a.file < b.file ? -1 : 1))
}

import type { Follow } from '../parsers/follows.js'
import type { HomeMeta } from '../parsers/home.js'
import type { ParsedFile, ParsedSource } from '../parsers/parse-file.js'
import type { Profile } from '../parsers/profile.js'
import type { TwtxtMeta } from '../parsers/twtxt.js'
import type { FileFacts, StoredFile } from '../store/files.js'
import { isWriteFailure } from '../store/db.js'
import type { Store } from '../store/store.js'

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
  /** From profile.json, when it has one that could be read. */
  profile?: Profile
  /** What the root index.html says about the space (title, icon, description). */
  home?: HomeMeta
}

/**
 * What a file says about its space, as the index keeps it: the store's FileFacts, which it saves
 * as JSON whatever they hold, and who the space is (profile.json, the home page).
 */
type Facts = FileFacts & { profile?: Profile; home?: HomeMeta }

/**
 * Pages, the API and /events read a space's problems often: a folder of 100,000 broken files
 * made each /api/spaces 14 MB and 200 ms. They get the first few, sorted, and the count.
 */
export const MAX_SHOWN_PROBLEMS = 1000

/**
 * What a space's files say about it, besides its items: its status, the files skipped and
 * why (kept in the index, with the file they belong to), whom it follows, who it is (its
 * profile.json, twtxt metadata, home page) and the feed its home page names (kept in the index
 * too, so that a restart that reads no unchanged file still knows them).
 */
export class SpaceFacts {
  status: SpaceStatus = 'indexing'
  degraded: string | undefined
  offline: string | undefined
  files = 0
  /** The feed the root index.html names. */
  alternate: string | undefined
  #follows: Follow[] | undefined
  #twtxt: TwtxtMeta | undefined
  #profile: Profile | undefined
  #home: HomeMeta | undefined

  constructor(
    readonly space: string,
    readonly store: Store,
  ) {}

  /** What the index remembers from the last run. */
  load() {
    for (const { facts } of this.store.files.facts(this.space)) this.#apply(facts as Facts)
  }

  /** Sets (or, with undefined, clears) the problem of a folder (files get theirs with record). */
  problem(path: string, reason: string | undefined) {
    try {
      this.store.files.setProblem(this.space, path, reason)
    } catch (error) {
      // The index's disk is full: the next scan finds the folder's problem again.
      if (!isWriteFailure(error)) throw error
    }
  }

  forget(path: string) {
    if (path === 'follows.json') this.#follows = undefined
    if (path === 'twtxt.txt') this.#twtxt = undefined
    if (path === 'profile.json') this.#profile = undefined
    if (path === 'index.html' || path === 'index.htm') {
      this.alternate = undefined
      this.#home = undefined
    }
  }

  /**
   * Takes in one file's parse result: what it says about the space, and the record the index
   * keeps of the file.
   */
  record(path: string, source: ParsedSource, result: ParsedFile): StoredFile | undefined {
    const facts: Facts =
      source === 'follows'
        ? { ...(result.follows ? { follows: result.follows } : {}) }
        : source === 'profile'
          ? { ...(result.profile ? { profile: result.profile } : {}) }
          : source === 'home'
            ? { alternate: result.alternate ?? null, ...(result.home ? { home: result.home } : {}) }
            : result.twtxt
              ? { twtxt: result.twtxt }
              : {}
    // A file that says nothing (any more) takes back what it said before.
    if (source === 'follows') this.#follows = result.follows
    if (source === 'profile') this.#profile = result.profile
    if (source === 'home') this.#home = result.home
    this.#apply(facts)
    const { problem } = result
    return result.version && { ...result.version, ...(problem ? { problem } : {}), facts }
  }

  /**
   * The space's state now. Its problems are read from the index when first asked for: most
   * callers want its name, profile or twtxt (a page's links ask for every space's), and two
   * queries for each of 1,000 spaces held every page for 20 ms.
   */
  snapshot(): SpaceState {
    const { store, space } = this
    let shown: { problems: SpaceState['problems']; count: number } | undefined
    const problems = () => (shown ??= store.files.problems(space, MAX_SHOWN_PROBLEMS))
    return {
      status: this.status,
      ...(this.degraded ? { degraded: this.degraded } : {}),
      ...(this.status === 'offline' && this.offline ? { offline: this.offline } : {}),
      files: this.files,
      get problems() {
        return problems().problems
      },
      get problemCount() {
        return problems().count
      },
      ...(this.#follows ? { follows: this.#follows } : {}),
      ...(this.#twtxt ? { twtxt: this.#twtxt } : {}),
      ...(this.#profile ? { profile: this.#profile } : {}),
      ...(this.#home ? { home: this.#home } : {}),
    }
  }

  #apply(facts: Facts) {
    if (facts.follows) this.#follows = facts.follows
    if (facts.twtxt) this.#twtxt = facts.twtxt
    if (facts.profile) this.#profile = facts.profile
    if (facts.home) this.#home = facts.home
    if (facts.alternate !== undefined) this.alternate = facts.alternate ?? undefined
  }
}

import { EventEmitter } from 'node:events'
import {
  accessSync,
  closeSync,
  constants,
  lstatSync,
  readdirSync,
  statSync,
  type Dirent,
} from 'node:fs'
import { join } from 'node:path'
import type { SpaceSettings } from '../../config/config.js'
import { DEFAULT_LIMITS, type Limits } from '../../config/limits.js'
import { openFolder } from '../../spaces/resolve.js'
import { isHiddenName } from '../../spaces/sync-files.js'
import { ROOT_FEEDS } from '../parsers/feed.js'
import { folderPath, openInSpaceSync } from '../../spaces/open.js'
import { readAndParse, type ParsedFile, type ParsedSource } from '../parsers/parse-file.js'
import type { ParsePool } from './pool.js'
import { sourceOf, type Source } from '../parsers/sources.js'
import type { Store } from '../store.js'
import type { Follow } from '../parsers/follows.js'
import type { TwtxtMeta } from '../parsers/twtxt.js'
import { slice } from './slices.js'
import { TreeWatcher } from './watch.js'

export interface IndexLimits extends Pick<
  Limits,
  'maxParseBytes' | 'maxItemsPerSpace' | 'parseTimeoutMs'
> {
  /** How often a space's folder is checked for having gone or come back (ms). */
  rootCheckMs: number
  /** How often a space whose watcher failed is rescanned (ms). */
  rescanMs: number
  /** false for one-shot readers (the `timeline` command): scan once, watch nothing. */
  watch: boolean
}

/** The index's share of the config's limits, and its own timings. */
export function indexLimits(limits: Limits = DEFAULT_LIMITS, watch = true): IndexLimits {
  return {
    maxParseBytes: limits.maxParseBytes,
    maxItemsPerSpace: limits.maxItemsPerSpace,
    parseTimeoutMs: limits.parseTimeoutMs,
    rootCheckMs: 1000,
    rescanMs: 15_000,
    watch,
  }
}

export type SpaceStatus = 'indexing' | 'ready' | 'offline'

const MAX_DEPTH = 64

/**
 * Keeps one space's items in the store: a scan at start (synchronous reads in slices of a few
 * milliseconds, which is ~5× faster than fs.promises for many small files and still lets
 * requests through), then one recursive watcher whose events re-parse only the changed paths.
 * The folder is re-checked every second, so a deleted folder goes offline and comes back.
 */
export class SpaceIndexer extends EventEmitter<{
  status: [SpaceIndexer]
  progress: [number]
  /** Something in the folder changed (any path the watcher saw, or the folder itself). */
  touched: []
}> {
  status: SpaceStatus = 'indexing'
  /** Set when the watcher failed and the space is kept current by periodic rescans. */
  degraded: string | undefined
  /** While offline: why, as the end of "The folder of NAME …" ("is missing"). */
  offlineReason: string | undefined
  readonly problems = new Map<string, string>()
  twtxt: TwtxtMeta | undefined
  /** From follows.json, when the space has one. */
  follows: Follow[] | undefined
  files = 0

  #realRoot: string | undefined
  #rootIno: number | undefined
  #watcher: TreeWatcher | undefined
  #timer: NodeJS.Timeout | undefined
  #queue = new Set<string | null>()
  #draining = false
  #stopped = false
  #lastScan = 0
  #generation = 0
  /** Files being parsed in a worker, by path: only the latest parse of a file is recorded. */
  #offloaded = new Map<string, Promise<void>>()
  // Root feeds present, the feed the home page names, and the one whose entries are indexed.
  #feeds = new Set<string>()
  #alternate: string | undefined
  #activeFeed: string | undefined

  constructor(
    readonly settings: SpaceSettings,
    readonly store: Store,
    readonly limits: IndexLimits = indexLimits(),
    /** Worker threads for full scans, when there are any. */
    readonly pool?: ParsePool,
  ) {
    super()
  }

  get name() {
    return this.settings.name
  }

  /** True while every change in the folder is being reported: caches of its files may trust it. */
  get watched(): boolean {
    return this.#watcher !== undefined && this.degraded === undefined && this.status !== 'offline'
  }

  async start(): Promise<void> {
    await this.#checkRoot()
    if (!this.limits.watch) return
    this.#timer = setInterval(() => void this.#checkRoot(), this.limits.rootCheckMs)
    this.#timer.unref()
  }

  stop() {
    this.#stopped = true
    clearInterval(this.#timer)
    this.#watcher?.close()
    this.#watcher = undefined
  }

  /** Resolves once the first scan is over (or the folder is missing). */
  ready(): Promise<void> {
    if (this.status !== 'indexing') return Promise.resolve()
    return new Promise((resolve) => {
      const check = () => {
        if (this.status === 'indexing') return
        this.off('status', check)
        resolve()
      }
      this.on('status', check)
    })
  }

  #setStatus(status: SpaceStatus) {
    if (this.status === status) return
    this.status = status
    this.emit('status', this)
  }

  async #checkRoot() {
    if (this.#stopped) return
    const folder = await openFolder(this.settings.root)
    const real = 'real' in folder ? folder.real : undefined
    const ino = real ? safeIno(real) : undefined
    if (real && ino === this.#rootIno && real === this.#realRoot) {
      if (this.degraded && Date.now() - this.#lastScan > this.limits.rescanMs) this.#enqueue(null)
      return
    }
    // Gone, come back, or replaced by another folder: start over.
    this.#watcher?.close()
    this.#watcher = undefined
    this.#queue.clear()
    this.#generation++
    this.emit('touched')
    if (this.#realRoot) {
      this.store.dropSpace(this.name)
      this.problems.clear()
      this.#feeds.clear()
      this.#alternate = this.#activeFeed = undefined
      this.twtxt = undefined
      this.files = 0
    }
    this.#realRoot = real
    this.#rootIno = ino
    if (!real) {
      this.offlineReason = 'problem' in folder ? folder.problem : undefined
      this.#setStatus('offline')
      return
    }
    this.#setStatus('indexing')
    this.degraded = undefined
    if (this.limits.watch) {
      this.#watcher = new TreeWatcher(
        real,
        (path) => this.#enqueue(path),
        (error) => {
          this.degraded = `watching failed (${error.message}); rescanning every ${Math.round(this.limits.rescanMs / 1000)} s`
          this.#watcher?.close()
          this.#watcher = undefined
          this.emit('status', this)
        },
      )
    }
    const generation = this.#generation
    await this.#scan('', { full: true })
    if (generation === this.#generation) this.#setStatus('ready')
  }

  #enqueue(path: string | null) {
    this.emit('touched')
    this.#queue.add(path)
    if (this.#draining) return
    this.#draining = true
    // Coalesce a burst: events that arrive within this turn are handled together.
    setImmediate(() => void this.#drain())
  }

  async #drain() {
    try {
      while (this.#queue.size && !this.#stopped && this.#realRoot) {
        const batch = [...this.#queue]
        this.#queue.clear()
        if (batch.includes(null)) {
          await this.#scan('', { full: true })
          continue
        }
        // A sync delivering thousands of files at once: append and sort once, not per file.
        const bulk = batch.length > 200
        for (const path of batch as string[]) {
          await this.#reconsider(path, bulk)
          await slice()
        }
      }
    } finally {
      this.#draining = false
      if (this.#queue.size) this.#enqueue(null)
    }
  }

  /** A path the watcher named: a file to re-parse, a new folder to scan, or something gone. */
  async #reconsider(path: string, bulk: boolean) {
    const real = this.#realRoot!
    let stats
    try {
      stats = lstatSync(join(real, path))
    } catch {
      this.#watcher?.remove(path)
      this.#forget(path)
      for (const stored of [...this.store.pathsOf(this.name), ...this.problems.keys()]) {
        if (stored.startsWith(path + '/')) this.#forget(stored)
      }
      return
    }
    if (stats.isDirectory()) await this.#scan(path, { full: false })
    else if (stats.isFile()) {
      if (bulk) this.store.bulk(() => this.#indexFile(path))
      else this.#indexFile(path)
    }
  }

  /**
   * Walks `from` (relative; '' is the root), handing every file that is a source to the parse
   * workers in batches. Symlinks are not followed (a link to /usr would walk the whole system),
   * and each folder is read through the contained opener. A full scan also forgets what is no
   * longer on disk.
   */
  async #scan(from: string, { full }: { full: boolean }) {
    const real = this.#realRoot
    if (!real) return
    const generation = this.#generation
    const seen = new Set<string>()
    let batch: Array<{ path: string; source: ParsedSource }> = []
    const inflight: Promise<void>[] = []
    const flush = async () => {
      if (batch.length === 0) return
      const jobs = batch
      batch = []
      const record = (results: ParsedFile[]) => {
        if (generation !== this.#generation) return
        // The first scan is not news: only later changes are announced on /events.
        const quiet = this.status === 'indexing'
        this.store.bulk(() =>
          results.forEach((result, i) =>
            this.#record(jobs[i]!.path, jobs[i]!.source, result, { quiet }),
          ),
        )
      }
      if (!this.pool) {
        const { maxParseBytes } = this.limits
        return record(
          jobs.map((j) => readAndParse(this.name, real, j.path, j.source, maxParseBytes)),
        )
      }
      // A file that is too slow or too big for a worker comes back as its problem; the pool
      // only rejects when it is closed, and then the space is being dropped.
      inflight.push(
        this.pool
          .parse(this.name, real, this.limits.maxParseBytes, jobs)
          .then(record, () => undefined),
      )
      if (inflight.length >= 8) await inflight.shift()
    }
    const stack: Array<[string, number]> = [[from, from ? from.split('/').length : 0]]
    let lastProgress = 0
    while (stack.length) {
      const [dir, depth] = stack.pop()!
      // Watch first, then list: a file that lands in between is reported, not missed.
      this.#watcher?.add(dir)
      const entries = this.#readFolder(real, dir)
      if (!entries) {
        if (this.problems.has(dir)) seen.add(dir)
        continue
      }
      for (const entry of entries) {
        if (isHiddenName(entry.name)) continue
        const path = dir ? `${dir}/${entry.name}` : entry.name
        if (entry.isDirectory()) {
          if (depth + 1 < MAX_DEPTH) stack.push([path, depth + 1])
          else {
            seen.add(path)
            this.problems.set(
              path,
              `folders nested deeper than ${MAX_DEPTH} levels are not indexed`,
            )
          }
        } else if (entry.isFile()) {
          seen.add(path)
          const source = this.#sourceOf(path)
          if (source === 'feed') this.#feeds.add(path)
          else if (source) {
            batch.push({ path, source })
            if (batch.length >= 256) await flush()
          }
        }
        const wait = slice()
        if (wait) {
          await wait
          if (generation !== this.#generation || this.#stopped) return
          if (seen.size - lastProgress >= 1000) {
            lastProgress = seen.size
            this.emit('progress', seen.size)
          }
        }
      }
    }
    await flush()
    await Promise.all(inflight)
    await Promise.all(this.#offloaded.values())
    if (generation !== this.#generation) return
    if (full) {
      for (const stored of [...this.store.pathsOf(this.name), ...this.problems.keys()]) {
        if (!seen.has(stored)) this.#forget(stored)
      }
      this.files = seen.size
      this.#lastScan = Date.now()
      this.emit('progress', seen.size)
    }
    // Now that the home page said which feed it names, parse the one to index.
    this.#selectFeed()
    await Promise.all(this.#offloaded.values())
  }

  /**
   * A folder's entries, read through the contained opener (a folder swapped for a symlink
   * mid-scan is not walked), or undefined. One that cannot be read is a problem of the space:
   * its files are not in the timeline, and the user should know.
   */
  #readFolder(real: string, dir: string): Dirent[] | undefined {
    const path = join(real, dir)
    try {
      const opened = openInSpaceSync(real, path, { folder: true })
      if (!opened) {
        if (dir) accessSync(path, constants.R_OK | constants.X_OK)
        return undefined
      }
      try {
        const entries = readdirSync(folderPath(opened.fd, opened.real), { withFileTypes: true })
        if (dir) this.problems.delete(dir)
        return entries
      } finally {
        closeSync(opened.fd)
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (dir && (code === 'EACCES' || code === 'EPERM')) {
        this.problems.set(
          dir,
          'folder cannot be read (permission denied): its files are not indexed',
        )
      } else if (dir && code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.problems.set(dir, `folder cannot be read (${code ?? (error as Error).message})`)
      }
      return undefined
    }
  }

  #indexFile(path: string, options: { quiet?: boolean } = {}) {
    const source = this.#sourceOf(path)
    if (!source) return
    if (source === 'feed') {
      // Feeds are parsed once chosen: the home page's, else the first root feed.
      this.#feeds.add(path)
      if (this.status !== 'indexing') this.#selectFeed(path)
      return
    }
    this.#apply(path, source, options)
  }

  #sourceOf(path: string): Source | undefined {
    return path === this.#alternate ? 'feed' : sourceOf(path)
  }

  /**
   * Parses one file in a worker, under the parse deadline, and records it; a parse still in a
   * worker is superseded by any newer parse or removal of the same file.
   */
  #apply(path: string, source: ParsedSource, options: { quiet?: boolean } = {}) {
    const real = this.#realRoot!
    const { maxParseBytes } = this.limits
    this.#offloaded.delete(path)
    if (!this.pool) {
      this.#record(
        path,
        source,
        readAndParse(this.name, real, path, source, maxParseBytes),
        options,
      )
      return
    }
    const generation = this.#generation
    const parsed: Promise<void> = this.pool
      .parse(this.name, real, maxParseBytes, [{ path, source }])
      .then(
        ([result]) => {
          if (generation !== this.#generation || this.#offloaded.get(path) !== parsed) return
          this.#offloaded.delete(path)
          this.#record(path, source, result!, options)
        },
        () => void this.#offloaded.delete(path),
      )
    this.#offloaded.set(path, parsed)
  }

  /**
   * Puts one file's parse result in the store, its problem (or none) in `problems`, and what
   * it says about the space (twtxt metadata, follows, the home page's feed) on the indexer.
   */
  #record(
    path: string,
    source: ParsedSource,
    result: ParsedFile,
    options: { quiet?: boolean } = {},
  ) {
    if (result.problem) this.problems.set(path, result.problem)
    else this.problems.delete(path)
    if (source === 'follows') {
      this.follows = result.follows
      return
    }
    if (source === 'home') {
      this.#alternate = result.alternate ?? undefined
      if (this.status !== 'indexing') this.#selectFeed(path)
      return
    }
    if (result.twtxt) this.twtxt = result.twtxt
    let { items, problem } = result
    const max = this.limits.maxItemsPerSpace
    const room = max - (this.store.countOf(this.name) - this.store.countOf(this.name, path))
    if (items.length > room) {
      // A space that floods the timeline keeps its newest items from this file, and says so.
      const kept = Math.max(0, room)
      items = [...items].sort((a, b) => b.date - a.date).slice(0, kept)
      problem = `${kept} of its ${result.items.length} items are in the timeline: the space reached limits.maxItemsPerSpace (${max})`
      this.problems.set(path, problem)
    }
    this.store.setFile(this.name, path, items, options)
  }

  /** Picks the one feed whose entries are indexed: the home page's, else the first root feed. */
  #selectFeed(changed?: string) {
    const real = this.#realRoot
    if (!real) return
    for (const path of this.#feeds) if (!isFile(join(real, path))) this.#feeds.delete(path)
    if (this.#alternate && isFile(join(real, this.#alternate))) this.#feeds.add(this.#alternate)
    const next =
      (this.#alternate && this.#feeds.has(this.#alternate) ? this.#alternate : undefined) ??
      ROOT_FEEDS.find((name) => this.#feeds.has(name))
    if (next === this.#activeFeed && changed !== next) return
    if (this.#activeFeed && this.#activeFeed !== next) this.#forget(this.#activeFeed)
    this.#activeFeed = next
    if (next) this.#apply(next, 'feed', { quiet: this.status === 'indexing' })
  }

  #forget(path: string) {
    this.#offloaded.delete(path)
    this.problems.delete(path)
    if (path === 'follows.json') this.follows = undefined
    this.store.setFile(this.name, path, [])
    if (this.#feeds.has(path) || path === 'index.html' || path === 'index.htm') {
      if (path === 'index.html' || path === 'index.htm') this.#alternate = undefined
      this.#feeds.delete(path)
      this.#selectFeed()
    }
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function safeIno(path: string): number | undefined {
  try {
    return statSync(path).ino
  } catch {
    return undefined
  }
}

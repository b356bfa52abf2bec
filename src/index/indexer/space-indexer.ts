import { EventEmitter } from 'node:events'
import { lstatSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import type { SpaceSettings } from '../../config/config.js'
import type { Store } from '../store/store.js'
import { indexLimits, type IndexLimits } from './limits.js'
import type { ParsePool } from './pool.js'
import { ChangeQueue } from './queue.js'
import { RootCheck, type Root } from './root-check.js'
import { walk } from './scan.js'
import { SpaceFiles } from './space-files.js'
import type { FileVersion } from '../../spaces/read.js'
import { scanTurn, slice, withinSlice } from './slices.js'
import { SpaceFacts, type SpaceState, type SpaceStatus } from './space-facts.js'
import { TreeWatcher } from './watch.js'

/**
 * Keeps one space's items in the store. Its folder is checked every second (RootCheck; less
 * often beyond 200 spaces): when it appears, it is walked and every source file parsed in the
 * workers; then one watch per folder reports changes, which the ChangeQueue hands over in
 * bursts, and only the paths named are looked at again. What the space's files say about it
 * (problems, follows, twtxt metadata) is kept in its SpaceFacts.
 */
export class SpaceIndexer extends EventEmitter<{
  status: []
  progress: [number]
  /** Something in the folder changed (any path the watcher saw, or the folder itself). */
  touched: []
}> {
  readonly facts: SpaceFacts
  #watcher: TreeWatcher | undefined
  #root: RootCheck
  #queue = new ChangeQueue((batch) => this.#changes(batch))
  readonly files: SpaceFiles
  #generation = 0
  #lastScan = 0
  /**
   * What the full scan running now has seen, and what the watcher handed over meanwhile: it
   * forgets only what neither saw (a file that landed after the walk read its folder is not gone).
   */
  #seen: Set<string> | undefined
  #stopped = false

  constructor(
    readonly settings: SpaceSettings,
    readonly store: Store,
    readonly limits: IndexLimits = indexLimits(),
    readonly pool?: ParsePool,
  ) {
    super()
    this.facts = new SpaceFacts(settings.name, store)
    // What the index remembers of the space from the last run, until its files say otherwise.
    this.facts.load()
    this.#root = new RootCheck(
      settings.root,
      (root) => this.#rooted(root),
      () => this.#tick(),
    )
    const scanning = () => this.status === 'indexing'
    this.files = new SpaceFiles(settings.name, store, this.facts, limits, pool, scanning)
  }

  get name() {
    return this.settings.name
  }

  get status(): SpaceStatus {
    return this.facts.status
  }

  /** True while every change in the folder is being reported: caches of its files may trust it. */
  get watched(): boolean {
    return this.#watcher !== undefined && !this.facts.degraded && this.status !== 'offline'
  }

  /** Files read since the folder came online, those the index knew unchanged, and files found
   * (by the full scan running, or the last one: progress counts a big space's as it goes). */
  get reads(): { reread: number; unchanged: number; found: number } {
    const { reread, unchanged } = this.files
    return { reread, unchanged, found: this.#seen?.size ?? this.facts.files }
  }

  state(): SpaceState {
    return this.facts.snapshot()
  }

  async start(): Promise<void> {
    await this.#root.start(this.limits.watch ? this.limits.rootCheckMs : undefined)
  }

  stop() {
    this.#stopped = true
    this.#root.stop()
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
    if (this.facts.status === status) return
    this.facts.status = status
    this.emit('status')
  }

  /**
   * The folder went away, came back, or was replaced by another one: start over. A folder that
   * is missing keeps its items (the friend's disk is unplugged, not their posts deleted); one
   * that comes back is walked, and only the files that changed meanwhile are read again.
   */
  async #rooted(root: Root) {
    if (this.#stopped) return
    this.#watcher?.close()
    this.#watcher = undefined
    this.#queue.clear()
    this.#generation++
    this.emit('touched')
    this.files.reset('real' in root ? root.real : undefined)
    if ('problem' in root) {
      this.facts.offline = root.problem
      return this.#setStatus('offline')
    }
    const real = root.real
    this.facts.offline = this.facts.degraded = undefined
    this.#setStatus('indexing')
    if (this.limits.watch) {
      this.#watcher = new TreeWatcher(
        real,
        (path) => this.#changed(path),
        (error) => {
          const every = Math.round(this.limits.rescanMs / 1000)
          this.facts.degraded = `watching failed (${error.message}); rescanning every ${every} s`
          this.#watcher?.close()
          this.#watcher = undefined
          this.emit('status')
        },
      )
    }
    const generation = this.#generation
    await this.#scan('', true)
    if (generation === this.#generation) this.#setStatus('ready')
  }

  #tick() {
    const degraded = this.facts.degraded && Date.now() - this.#lastScan > this.limits.rescanMs
    if (degraded || this.files.retryDue()) this.#changed(null)
  }

  #changed(path: string | null) {
    this.emit('touched')
    this.#queue.add(path)
  }

  /** Paths the watcher named: files to parse again, new folders to walk, things gone. */
  async #changes(batch: Array<string | null>) {
    const real = this.files.real
    if (this.#stopped || !real) return
    if (batch.includes(null)) return this.#scan('', true)
    const parser = this.files.parser()
    for (const path of batch as string[]) {
      const stats = lstatOrNothing(join(real, path))
      // Gone, or what a scan does not index (a symlink, a FIFO): what was there goes.
      if (!stats || !(stats.isFile() || stats.isDirectory())) {
        this.#watcher?.remove(path)
        this.files.gone(path)
      } else if (stats.isDirectory()) await this.#scan(path, false)
      else if (stats.isFile()) {
        this.#seen?.add(path)
        await this.files.consider(path, parser)
      }
      await slice()
    }
    await parser.done()
  }

  /**
   * Walks `from` and parses what changed; a full scan also forgets what is gone from disk. The
   * walks of full scans take turns (a few at a time); parsing what they found does not hold one.
   */
  async #scan(from: string, full: boolean) {
    const generation = this.#generation
    const seen = full ? (this.#seen = new Set<string>()) : (this.#seen ?? new Set<string>())
    const parser = this.files.parser()
    const current = () => generation === this.#generation && !this.#stopped
    if (!full) await this.#walk(from, parser, seen, undefined, current)
    else
      await scanTurn(async () => {
        // Restarted or stopped while waiting for its turn: that scan is someone else's now.
        if (!current()) return
        // Every file's version at once, not file by file: a read of a few ms per space, which
        // a thousand spaces starting together must not do in one turn.
        await withinSlice()
        await this.#walk(from, parser, seen, this.store.files.versions(this.name), current)
      })
    await parser.done()
    if (full && this.#seen === seen) this.#seen = undefined
    if (generation !== this.#generation) return
    if (full) {
      this.files.forgetUnseen(seen)
      this.facts.files = seen.size
      this.#lastScan = Date.now()
      this.emit('progress', seen.size)
    }
    // Now that the home page said which feed it names, parse the one to index.
    await this.files.chooseFeed()
  }

  #walk(
    from: string,
    parser: ReturnType<SpaceFiles['parser']>,
    seen: Set<string>,
    known: Map<string, FileVersion> | undefined,
    current: () => boolean,
  ) {
    return walk(this.files.real!, from, {
      folder: (dir) => this.#watcher?.add(dir),
      file: (path) => {
        seen.add(path)
        return this.files.consider(path, parser, known)
      },
      folderProblem: (dir, reason) => {
        if (reason) seen.add(dir)
        this.facts.problem(dir, reason)
      },
      stopped: () => !current(),
      progress: (n) => this.emit('progress', n),
    })
  }
}

/** What is at a path now; undefined when nothing is (any more), ENOTDIR on the way included. */
function lstatOrNothing(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

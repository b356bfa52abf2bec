import { statSync } from 'node:fs'
import { join } from 'node:path'
import { isVersion, type FileVersion } from '../../spaces/read.js'
import type { ParsedFile, ParsedSource } from '../parsers/parse-file.js'
import { sourceOf } from '../parsers/sources.js'
import { isWriteFailure } from '../store/db.js'
import type { Store } from '../store/store.js'
import { FeedChoice } from './feeds.js'
import { SpaceLimit } from './space-limit.js'
import type { IndexLimits } from './limits.js'
import { FileParser, type ParseJob } from './parse-files.js'
import type { ParsePool } from './pool.js'
import type { SpaceFacts } from './space-facts.js'

type Job = ParseJob & { ticket: number }

/**
 * What each file of one space contributes: which parser it goes to, its items and page in the
 * store, what it says about the space in its facts; and what leaves with it when it goes. A
 * file the index holds in the same version (size, mtime, inode) is not read again. Parses run
 * in the workers; a result that arrives after a newer parse (or the removal) of its file is
 * dropped.
 */
export class SpaceFiles {
  /** The space's real root while it is online. */
  real: string | undefined
  /** Files read since the space came online, and files the index knew unchanged (not read). */
  reread = 0
  unchanged = 0
  #feeds = new FeedChoice()
  /** Since when writes of this space's files were refused, and how long to wait before a retry. */
  #unwritten: { at: number; wait: number } | undefined
  #retryWait: number
  #tickets = new Map<string, number>()
  #reclaiming = false
  #reclaimAgain = false
  #idsFreed = false
  #limit: SpaceLimit
  #ticket = 0

  constructor(
    readonly name: string,
    readonly store: Store,
    readonly facts: SpaceFacts,
    readonly limits: IndexLimits,
    readonly pool: ParsePool | undefined,
    /** True while the first scan runs: its items are not news for /events. */
    readonly scanning: () => boolean,
  ) {
    this.#retryWait = limits.rescanMs
    this.#limit = new SpaceLimit(store, name, limits.maxItemsPerSpace)
  }

  /** Starts over (the folder came back, or was replaced): pending results are dropped. */
  reset(real: string | undefined) {
    this.real = real
    this.reread = this.unchanged = 0
    this.#tickets = new Map()
    this.#feeds.clear()
    this.#feeds.alternate = this.facts.alternate
    this.#limit.reset()
  }

  parser(): FileParser<Job> {
    const { name, limits } = this
    return new FileParser(name, this.real!, limits.maxParseBytes, this.pool, (jobs, results) => {
      const quiet = this.scanning()
      const record = () =>
        jobs.forEach((job, i) => {
          if (this.#tickets.get(job.path) !== job.ticket) return
          // Done with: a ticket per file ever parsed would hold a million paths in memory.
          this.#tickets.delete(job.path)
          this.#record(job, results[i]!, quiet)
        })
      // One transaction: for a sync delivering thousands of files at once, not one per file;
      // for one file, its items and what they left out (SpaceLimit.wrote) together.
      this.#writing(() => this.store.bulk(record))
    })
  }

  /**
   * A file found or changed: parsed, unless the index holds it in this very version (`known`,
   * from a full scan; else asked of the index), or (a feed) kept in mind until feeds are chosen.
   */
  async consider(path: string, parser: FileParser<Job>, known?: Map<string, FileVersion>) {
    if (this.#feeds.isFeed(path)) {
      this.#feeds.add(path)
      if (!this.scanning()) await this.chooseFeed(path)
      return
    }
    const source = sourceOf(path)
    if (!source || source === 'feed') return
    if (this.#unchanged(path, known)) {
      this.unchanged++
      return
    }
    await this.#parse(path, parser, source)
  }

  async #parse(path: string, parser: FileParser<Job>, source?: ParsedSource) {
    source ??= this.#feeds.isFeed(path) ? 'feed' : sourceOf(path)
    if (!source) return
    this.reread++
    this.#tickets.set(path, ++this.#ticket)
    await parser.add({ path, source, ticket: this.#ticket })
  }

  /**
   * Parses the one feed to index when that changed (or `changed` is it), and forgets the
   * others: a restart remembers which one it was only through the index.
   */
  async chooseFeed(changed?: string) {
    const real = this.real
    if (!real) return
    const exists = (path: string) => statSync(join(real, path), { throwIfNoEntry: false })?.isFile()
    const { dropped, parse } = this.#feeds.choose((path) => exists(path) === true, changed)
    if (dropped) this.forget(dropped)
    for (const other of this.#feeds.present()) {
      if (other !== this.#feeds.active && this.store.files.has(this.name, other)) this.forget(other)
    }
    if (!parse || (parse !== changed && this.#unchanged(parse))) return
    const parser = this.parser()
    await this.#parse(parse, parser, 'feed')
    await parser.done()
  }

  /** A file or folder that is gone: it and everything under it. */
  gone(path: string) {
    if (this.store.files.has(this.name, path)) return this.forget(path)
    // Only a folder has anything under it, and the index finds it by prefix.
    for (const stored of this.store.files.under(this.name, path)) this.forget(stored)
  }

  /** After a full scan: what it did not see is gone. */
  forgetUnseen(seen: Set<string>) {
    for (const stored of this.store.files.paths(this.name))
      if (!seen.has(stored)) this.forget(stored)
    this.refill()
  }

  /** Room the index finds (a first build over, the limit raised) goes to the items left out. */
  refill() {
    if (this.#limit.waiting(new Set()).length) this.#reclaim('', false)
  }

  forget(path: string) {
    this.#tickets.delete(path)
    this.facts.forget(path)
    const change = this.#writing(() => this.store.forget(this.name, path))
    if (change?.removed.length) this.#reclaim(path, true)
    const home = path === 'index.html' || path === 'index.htm'
    if (home || this.#feeds.isFeed(path)) {
      if (home) this.#feeds.alternate = undefined
      this.#feeds.remove(path)
      void this.chooseFeed()
    }
  }

  /**
   * True when a full scan should try again what the index's disk refused to write (it was full):
   * files with no record are read again. Tried after limits.rescanMs, then twice as long each
   * time it fails again, up to 10 minutes.
   */
  retryDue(now = Date.now()): boolean {
    const failed = this.#unwritten
    if (!failed || now - failed.at < failed.wait) return false
    this.#unwritten = undefined
    this.#retryWait = Math.min(failed.wait * 2, 600_000)
    return true
  }

  /** Runs a write of the index; one the disk refuses is dropped, and tried again (retryDue). */
  #writing<T>(write: () => T): T | undefined {
    try {
      const result = write()
      if (!this.#unwritten) this.#retryWait = this.limits.rescanMs
      return result
    } catch (error) {
      if (!isWriteFailure(error)) throw error
      this.#unwritten ??= { at: Date.now(), wait: this.#retryWait }
      return undefined
    }
  }

  /** Items of `path` went (`removed`), or changed in a space at its limit: files whose items
   * were left out, for ids another file gave first or for room, are read again (#readWaiting). */
  #reclaim(path: string, removed: boolean) {
    if (!this.store.built) return
    if (removed) this.#idsFreed = true
    // A burst of removals reads the waiting files once more at most, not once per removal.
    if (this.#reclaiming) this.#reclaimAgain = true
    else void this.#readWaiting(path)
  }

  /** Files some of whose items were left out, read again (#reclaim) in one chain: `seen`. */
  async #readWaiting(except: string, seen = new Set<string>()) {
    // Those waiting on ids (FileTable.unclaimed) only if items went since: nothing else frees ids.
    const waiting = new Set(this.#idsFreed ? this.store.files.unclaimed(this.name) : [])
    this.#idsFreed = false
    for (const path of this.#limit.waiting(seen)) waiting.add(path)
    waiting.delete(except)
    if (!waiting.size) return
    for (const other of waiting) seen.add(other)
    this.#reclaiming = true
    try {
      const parser = this.parser()
      for (const other of waiting) await this.#parse(other, parser)
      await parser.done()
    } finally {
      this.#reclaiming = false
    }
    // Again after removals meanwhile, or while room is left (files read brought less than it).
    if (this.#reclaimAgain || this.#limit.waiting(seen).length) {
      this.#reclaimAgain = false
      await this.#readWaiting('', seen)
    }
  }

  #unchanged(path: string, known?: Map<string, FileVersion>): boolean {
    const was = known ? known.get(path) : this.store.files.version(this.name, path)
    return was !== undefined && this.real !== undefined && isVersion(join(this.real, path), was)
  }

  #record({ path, source }: Job, result: ParsedFile, quiet: boolean) {
    const { name, store } = this
    const record = this.facts.record(path, source, result)
    const fit = this.#limit.fit(path, result.items)
    const { evict, problem } = fit
    const change = store.setFile(name, path, fit.items, {
      quiet,
      record: record ? { ...record, ...(problem ? { problem } : {}) } : null,
      page: result.page ?? null,
      evict,
    })
    this.#limit.wrote(path, fit, record !== undefined)
    // A file some of whose ids another file gave first (a first build finds those at its end).
    const ids = store.built && record && !problem ? new Set(fit.items.map((i) => i.id)).size : 0
    if (ids && store.countOf(name, path) < ids) store.files.unclaim([[name, path]])
    // Items displaced make no room: only those that went with their file's change do; and in a
    // space that leaves items out, any change may rank one of them above its lowest.
    const removed = change !== undefined && change.removed.length > evict.length
    if (removed || (change?.upserted.length && this.#limit.leavesOut)) this.#reclaim(path, removed)
    // A file that could not even be opened as one has no version to keep, but still a reason.
    if (!record && result.problem) this.facts.problem(path, result.problem)
    if (source === 'home') {
      this.#feeds.alternate = this.facts.alternate
      if (!this.scanning()) void this.chooseFeed(path)
    }
  }
}

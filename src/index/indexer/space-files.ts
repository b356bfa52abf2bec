import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { ParsedFile } from '../parsers/parse-file.js'
import { sourceOf } from '../parsers/sources.js'
import type { Store } from '../store.js'
import { FeedChoice } from './feeds.js'
import type { IndexLimits } from './limits.js'
import { FileParser, type ParseJob } from './parse-files.js'
import type { ParsePool } from './pool.js'
import type { SpaceFacts } from './space-facts.js'

type Job = ParseJob & { ticket: number }

/**
 * What each file of one space contributes: which parser it goes to, its items in the store, what
 * it says about the space in its facts; and what leaves with it when it goes. Parses run in the
 * workers; a result that arrives after a newer parse (or the removal) of its file is dropped.
 */
export class SpaceFiles {
  /** The space's real root while it is online. */
  real: string | undefined
  #feeds = new FeedChoice()
  #tickets = new Map<string, number>()
  #ticket = 0

  constructor(
    readonly name: string,
    readonly store: Store,
    readonly facts: SpaceFacts,
    readonly limits: IndexLimits,
    readonly pool: ParsePool | undefined,
    /** True while the first scan runs: its items are not news for /events. */
    readonly scanning: () => boolean,
  ) {}

  /** Starts over (the folder went away or was replaced): pending results are dropped. */
  reset(real: string | undefined) {
    this.real = real
    this.#tickets = new Map()
    this.#feeds.clear()
  }

  parser(): FileParser<Job> {
    const { name, limits } = this
    return new FileParser(name, this.real!, limits.maxParseBytes, this.pool, (jobs, results) => {
      const quiet = this.scanning()
      const record = () =>
        jobs.forEach((job, i) => {
          if (this.#tickets.get(job.path) === job.ticket) this.#record(job, results[i]!, quiet)
        })
      // A sync delivering thousands of files at once: append and sort once, not per file.
      if (jobs.length > 16) this.store.bulk(record)
      else record()
    })
  }

  /** A file found or changed: parsed, or (a feed) kept in mind until feeds are chosen. */
  async consider(path: string, parser: FileParser<Job>) {
    if (this.#feeds.isFeed(path)) {
      this.#feeds.add(path)
      if (!this.scanning()) await this.chooseFeed(path)
      return
    }
    const source = sourceOf(path)
    if (!source || source === 'feed') return
    this.#tickets.set(path, ++this.#ticket)
    await parser.add({ path, source, ticket: this.#ticket })
  }

  /** Parses the one feed to index, when that changed (or `changed` is it). */
  async chooseFeed(changed?: string) {
    const real = this.real
    if (!real) return
    const exists = (path: string) => statSync(join(real, path), { throwIfNoEntry: false })?.isFile()
    const { dropped, parse } = this.#feeds.choose((path) => exists(path) === true, changed)
    if (dropped) this.forget(dropped)
    if (!parse) return
    const parser = this.parser()
    this.#tickets.set(parse, ++this.#ticket)
    await parser.add({ path: parse, source: 'feed', ticket: this.#ticket })
    await parser.done()
  }

  /** A file or folder that is gone: it and everything under it. */
  gone(path: string) {
    const wasFile = this.store.countOf(this.name, path) > 0 || this.facts.hasProblem(path)
    this.forget(path)
    // Only a folder has anything under it: a sync deleting 100,000 files reports each file,
    // and looking through every known path for each of them was quadratic.
    if (wasFile) return
    const under = path + '/'
    for (const stored of this.#known()) if (stored.startsWith(under)) this.forget(stored)
  }

  /** After a full scan: what it did not see is gone. */
  forgetUnseen(seen: Set<string>) {
    for (const stored of this.#known()) if (!seen.has(stored)) this.forget(stored)
  }

  forget(path: string) {
    this.#tickets.delete(path)
    this.facts.forget(path)
    this.store.setFile(this.name, path, [])
    const home = path === 'index.html' || path === 'index.htm'
    if (home || this.#feeds.isFeed(path)) {
      if (home) this.#feeds.alternate = undefined
      this.#feeds.remove(path)
      void this.chooseFeed()
    }
  }

  #known(): string[] {
    return [...this.store.pathsOf(this.name), ...this.facts.problemPaths()]
  }

  #record({ path, source }: Job, result: ParsedFile, quiet: boolean) {
    const { store, limits, name } = this
    const { items, alternate } = this.facts.record(path, source, result, store, limits, name)
    if (source === 'home') {
      this.#feeds.alternate = alternate
      if (!this.scanning()) void this.chooseFeed(path)
    } else if (items) store.setFile(name, path, items, { quiet })
  }
}

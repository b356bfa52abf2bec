import { readAndParse, type ParsedFile, type ParsedSource } from '../parsers/parse-file.js'
import type { ParsePool } from './pool.js'

export interface ParseJob {
  path: string
  source: ParsedSource
}

const BATCH = 256
const IN_FLIGHT = 8

/**
 * Files of a space on their way to the parse workers: collected into batches (a message per
 * file cost 100,000 structured clones on a cold start), at most a few batches in flight, each
 * batch's results handed to `parsed` in order. Without a pool (no built worker script), files
 * are parsed here. A file that is too slow or too big for a worker comes back as its problem;
 * the pool only rejects when it is closed, and then the space is being dropped.
 */
export class FileParser<J extends ParseJob = ParseJob> {
  #batch: J[] = []
  #inflight: Promise<void>[] = []

  constructor(
    readonly space: string,
    readonly realRoot: string,
    readonly maxBytes: number,
    readonly pool: ParsePool | undefined,
    readonly parsed: (jobs: J[], results: ParsedFile[]) => void,
  ) {}

  async add(job: J): Promise<void> {
    this.#batch.push(job)
    if (this.#batch.length >= BATCH) await this.#flush()
  }

  /** Resolves once every file added so far is parsed and handed over. */
  async done(): Promise<void> {
    await this.#flush()
    await Promise.all(this.#inflight)
  }

  async #flush() {
    const jobs = this.#batch
    if (!jobs.length) return
    this.#batch = []
    if (!this.pool) {
      const { space, realRoot, maxBytes } = this
      return this.parsed(
        jobs,
        jobs.map((j) => readAndParse(space, realRoot, j.path, j.source, maxBytes)),
      )
    }
    const done = this.pool.parse(this.space, this.realRoot, this.maxBytes, jobs).then(
      (results) => this.parsed(jobs, results),
      () => undefined,
    )
    this.#inflight.push(done)
    void done.then(() => this.#inflight.splice(this.#inflight.indexOf(done), 1))
    if (this.#inflight.length >= IN_FLIGHT) await this.#inflight[0]
  }
}

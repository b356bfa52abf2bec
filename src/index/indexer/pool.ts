import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { RenderedMarkdown } from '../../render/markdown.js'
import type { ParsedFile, ParsedSource } from '../parsers/parse-file.js'

/** What a worker can do: parse files of a space, or render one Markdown source. */
export type WorkerTask =
  | {
      kind: 'parse'
      space: string
      root: string
      maxBytes: number
      jobs: Array<{ path: string; source: ParsedSource }>
      /** Send results after this many files (or 50 ms); 1 names the very file that hangs. */
      flushEvery: number
    }
  | { kind: 'page'; source: string }
  | { kind: 'post-html'; source: string; space: string; path: string }

export interface WorkerRequest {
  id: number
  task: WorkerTask
}

/** Steps done, in order: files of a parse task, or the whole of a render task. */
export interface WorkerSteps {
  id: number
  values: Array<ParsedFile | RenderedMarkdown | string>
  /** The task failed (a render refused its input): why. */
  error?: string
}

/** A task a worker did not finish: too slow, refused, or it died (out of memory). */
export class TaskFailed extends Error {
  constructor(
    readonly reason: string,
    /** The values of the steps done before the one that failed. */
    readonly done: unknown[],
  ) {
    super(reason)
  }
}

// Tests run the TypeScript sources, which a worker cannot load: they use the built copy.
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url)
  const script = here.endsWith('.ts')
    ? fileURLToPath(new URL('../../../dist/index/indexer/worker.js', import.meta.url))
    : fileURLToPath(new URL('./worker.js', import.meta.url))
  return existsSync(script) ? script : undefined
}

// Long enough that a burst of changes, or a reader going through pages, keeps one warm worker
// (a cold one takes ~160 ms to load the parsers); short enough that an idle gateway gives its
// ~25 MB back.
const IDLE_MS = 5000
// A worker parses at most 4 MB files (limits.maxParseBytes); a runaway one is stopped here
// rather than taking the machine's memory.
const WORKER_HEAP_MB = 512

interface Pending {
  request: WorkerRequest
  steps: number
  done: unknown[]
  resolve: (values: unknown[]) => void
  reject: (error: Error) => void
}

/**
 * Worker threads that read, parse and render everything from a friend's folder, so that no
 * file can hold the main thread: marked, yaml and htmlparser2 are each super-linear on some
 * input (a 60 KB post of `a)*` took marked 23 s), and size does not tell which. Only what
 * comes back, plain data, is handled on the main thread. A worker must report progress within
 * `deadlineMs`: one that does not (a file crafted to be slow) is terminated and its task fails
 * with TaskFailed. The workers exit after half an idle second.
 */
export class ParsePool {
  #script: string
  #size: number
  #workers: Worker[] = []
  #idle: Worker[] = []
  #waiting: Pending[] = []
  #busy = new Map<Worker, Pending & { timer?: NodeJS.Timeout }>()
  #nextId = 0
  #idleTimer: NodeJS.Timeout | undefined

  private constructor(
    script: string,
    size: number,
    readonly deadlineMs: number,
  ) {
    this.#script = script
    this.#size = size
  }

  /** undefined when workers cannot be used (no built worker script): parse on the main thread. */
  static create(deadlineMs: number, size = availableParallelism()): ParsePool | undefined {
    const script = workerScript()
    return script && size > 0 ? new ParsePool(script, size, deadlineMs) : undefined
  }

  /**
   * Reads and parses files of a space. A file that overruns the deadline or kills its worker
   * gets that as its problem, and the rest of the batch goes on in a fresh worker.
   */
  async parse(
    space: string,
    root: string,
    maxBytes: number,
    jobs: Array<{ path: string; source: ParsedSource }>,
    flushEvery = 64,
  ): Promise<ParsedFile[]> {
    try {
      const task = { kind: 'parse' as const, space, root, maxBytes, jobs, flushEvery }
      return (await this.#run(task, jobs.length)) as ParsedFile[]
    } catch (error) {
      if (!(error instanceof TaskFailed)) throw error
      const done = error.done as ParsedFile[]
      const rest = jobs.slice(done.length)
      // Results come in batches, so the file that hung is one of the next few: go over them
      // again with a message per file, and that file fails alone.
      if (flushEvery > 1 && rest.length > 1) {
        return [...done, ...(await this.parse(space, root, maxBytes, rest, 1))]
      }
      const failed: ParsedFile = { items: [], problem: `was skipped: ${error.reason}` }
      const after = rest.slice(1)
      const more = after.length ? await this.parse(space, root, maxBytes, after) : []
      return [...done, failed, ...more]
    }
  }

  /** Renders a Markdown page; rejects with TaskFailed when it overruns the deadline. */
  async renderPage(source: string): Promise<RenderedMarkdown> {
    return (await this.#run({ kind: 'page', source }, 1))[0] as RenderedMarkdown
  }

  /** Renders a post's timeline HTML; rejects with TaskFailed when it overruns the deadline. */
  async renderPostHtml(source: string, space: string, path: string): Promise<string> {
    return (await this.#run({ kind: 'post-html', source, space, path }, 1))[0] as string
  }

  #run(task: WorkerTask, steps: number): Promise<unknown[]> {
    clearTimeout(this.#idleTimer)
    if (steps === 0) return Promise.resolve([])
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        request: { id: this.#nextId++, task },
        steps,
        done: [],
        resolve,
        reject,
      })
      this.#pump()
    })
  }

  close() {
    clearTimeout(this.#idleTimer)
    for (const worker of this.#workers) void worker.terminate()
    for (const job of this.#busy.values()) clearTimeout(job.timer)
    const pending = [...this.#busy.values(), ...this.#waiting]
    this.#workers = []
    this.#idle = []
    this.#busy.clear()
    this.#waiting = []
    for (const job of pending) job.reject(new Error('parse pool closed'))
  }

  #pump() {
    while (this.#waiting.length) {
      const worker = this.#idle.pop() ?? this.#spawn()
      if (!worker) return
      const job = this.#waiting.shift()!
      this.#busy.set(worker, job)
      this.#arm(worker)
      worker.postMessage(job.request)
    }
    if (this.#busy.size === 0) {
      this.#idleTimer = setTimeout(() => this.close(), IDLE_MS)
      this.#idleTimer.unref()
    }
  }

  /** (Re)starts the deadline of the step the worker is on. */
  #arm(worker: Worker) {
    const job = this.#busy.get(worker)
    if (!job) return
    clearTimeout(job.timer)
    job.timer = setTimeout(
      () => this.#fail(worker, `it took over ${this.deadlineMs / 1000} s to parse`),
      this.deadlineMs,
    )
  }

  #fail(worker: Worker, reason: string) {
    const job = this.#busy.get(worker)
    clearTimeout(job?.timer)
    this.#busy.delete(worker)
    this.#workers = this.#workers.filter((w) => w !== worker)
    this.#idle = this.#idle.filter((w) => w !== worker)
    void worker.terminate()
    job?.reject(new TaskFailed(reason, job.done))
    this.#pump()
  }

  #spawn(): Worker | undefined {
    if (this.#workers.length >= this.#size) return undefined
    const worker = new Worker(this.#script, {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    })
    worker.unref()
    worker.on('message', ({ id, values, error }: WorkerSteps) => {
      const job = this.#busy.get(worker)
      if (!job || job.request.id !== id) return
      job.done.push(...values)
      if (error === undefined && job.done.length < job.steps) return this.#arm(worker)
      clearTimeout(job.timer)
      this.#busy.delete(worker)
      this.#idle.push(worker)
      if (error === undefined) job.resolve(job.done)
      else job.reject(new TaskFailed(error, job.done))
      this.#pump()
    })
    worker.on('error', (error) => {
      const memory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.#fail(worker, memory ? `it needed over ${WORKER_HEAP_MB} MB to parse` : error.message)
    })
    this.#workers.push(worker)
    return worker
  }
}

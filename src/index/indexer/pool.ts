import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { RenderedMarkdown } from '../../render/markdown.js'
import type { ParsedFile, ParsedSource } from '../parsers/parse-file.js'
import { Lanes } from './lanes.js'
import { TaskFailed, type WorkerData, type WorkerSteps, type WorkerTask } from './protocol.js'
import { workerScript } from './worker-script.js'

// Long enough that a burst of changes, or a reader going through pages, keeps one warm worker
// (a cold one takes ~160 ms to load the parsers); short enough that an idle gateway gives its
// ~25 MB back.
const IDLE_MS = 5000
// A worker parses at most 4 MB files (limits.maxParseBytes); a runaway one is stopped here
// rather than taking the machine's memory.
const WORKER_HEAP_MB = 512
// Workers that die before they are ready (a broken install, a flag they refuse) were started again
// at once, forever, at full CPU: after this many in a row, what waits fails with the reason, and
// so does what comes in the next START_PAUSE_MS.
const START_TRIES = 3
const START_PAUSE_MS = 30_000

interface Pending {
  id: number
  task: WorkerTask
  /** The lane of a parse task: its space. */
  space?: string
  /** Values expected from this dispatch, and values from earlier ones (a task that yielded). */
  steps: number
  offset: number
  done: unknown[]
  resolve: (values: unknown[]) => void
  reject: (error: Error) => void
  timer?: NodeJS.Timeout
}

interface Running {
  worker: Worker
  /** The index of the file a parse task is on, written by the worker. */
  progress: Int32Array
}

/**
 * Worker threads that read, parse and render everything from a friend's folder, so that no
 * file can hold the main thread: marked, yaml and htmlparser2 are each super-linear on some
 * input (a 60 KB post of `a)*` took marked 23 s), and size does not tell which. Only what
 * comes back, plain data, is handled on the main thread.
 * - A worker must report progress within `deadlineMs`: one that does not (a file crafted to be
 *   slow) is terminated, the file it was on fails alone, and the rest goes on.
 * - Renders someone waits for go first, with one worker more than the cores if all are busy;
 *   spaces' parse tasks take turns, and a task yields after a time slice (see Lanes).
 * - The workers exit after a few idle seconds.
 */
export class ParsePool {
  #script: string
  #size: number
  #workers = new Map<Worker, Running>()
  /** Workers that have loaded their parsers and wait for work. */
  #idle: Worker[] = []
  #lanes = new Lanes<Pending>()
  #busy = new Map<Worker, Pending>()
  #nextId = 0
  /** Workers still loading their parsers. */
  #starting = new Set<Worker>()
  #idleTimer: NodeJS.Timeout | undefined
  /** Workers that died before they were ready, in a row; why the last one did, until when. */
  #startFailures = 0
  #cannotStart: { reason: string; until: number } | undefined

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
  ): Promise<ParsedFile[]> {
    try {
      const task = { kind: 'parse' as const, space, root, maxBytes, jobs }
      return (await this.#run(task, jobs.length, space)) as ParsedFile[]
    } catch (error) {
      if (!(error instanceof TaskFailed)) throw error
      const done = error.done as ParsedFile[]
      const at = Math.max(error.at ?? done.length, done.length)
      // Files parsed but not yet reported when the worker was stopped go once more.
      const between = at > done.length ? jobs.slice(done.length, at) : []
      const after = jobs.slice(at + 1)
      const failed: ParsedFile = { items: [], problem: `was skipped: ${error.reason}` }
      return [
        ...done,
        ...(between.length ? await this.parse(space, root, maxBytes, between) : []),
        failed,
        ...(after.length ? await this.parse(space, root, maxBytes, after) : []),
      ]
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

  #run(task: WorkerTask, steps: number, space?: string): Promise<unknown[]> {
    clearTimeout(this.#idleTimer)
    if (steps === 0) return Promise.resolve([])
    const broken = this.#cannotStart
    if (broken && performance.now() < broken.until)
      return Promise.reject(new TaskFailed(broken.reason, []))
    return new Promise((resolve, reject) => {
      const id = this.#nextId++
      this.#lanes.push({ id, task, space, steps, offset: 0, done: [], resolve, reject }, space)
      this.#pump()
    })
  }

  close() {
    clearTimeout(this.#idleTimer)
    for (const worker of this.#workers.keys()) void worker.terminate()
    for (const job of this.#busy.values()) clearTimeout(job.timer)
    const pending = [...this.#busy.values(), ...this.#lanes.drain()]
    this.#workers.clear()
    this.#starting.clear()
    this.#idle = []
    this.#busy.clear()
    for (const job of pending) job.reject(new Error('parse pool closed'))
  }

  #pump() {
    while (this.#lanes.size) {
      const worker = this.#idle.pop()
      if (!worker) {
        // Starting workers join #idle once ready, and pump again.
        while (this.#lanes.size > this.#starting.size && this.#spawn(this.#lanes.urgent));
        return
      }
      const job = this.#lanes.next()!
      this.#busy.set(worker, job)
      this.#arm(worker)
      worker.postMessage({ id: job.id, task: job.task })
    }
    if (this.#busy.size === 0 && this.#starting.size === 0) {
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
    const at = this.#workers.get(worker)?.progress[0]
    clearTimeout(job?.timer)
    this.#busy.delete(worker)
    this.#workers.delete(worker)
    this.#starting.delete(worker)
    this.#idle = this.#idle.filter((w) => w !== worker)
    void worker.terminate()
    if (job) {
      const index = job.task.kind === 'parse' && at !== undefined ? job.offset + at : undefined
      job.reject(new TaskFailed(reason, job.done, index))
    }
    this.#pump()
  }

  /** A worker died before it was ready: after START_TRIES in a row, tasks fail for a while. */
  #notStarted(worker: Worker, message: string) {
    if (++this.#startFailures >= START_TRIES) {
      const reason = `the parse workers cannot start (${message})`
      this.#cannotStart = { reason, until: performance.now() + START_PAUSE_MS }
      for (const job of this.#lanes.drain()) job.reject(new TaskFailed(reason, job.done))
    }
    this.#fail(worker, message)
  }

  #answered(worker: Worker, { id, values, error, yielded, ready }: WorkerSteps) {
    if (ready) {
      this.#startFailures = 0
      this.#starting.delete(worker)
      this.#idle.push(worker)
      return this.#pump()
    }
    const job = this.#busy.get(worker)
    if (!job || job.id !== id) return
    job.done.push(...values)
    const left = job.steps - (job.done.length - job.offset)
    if (error === undefined && !yielded && left > 0) return this.#arm(worker)
    clearTimeout(job.timer)
    this.#busy.delete(worker)
    this.#idle.push(worker)
    if (error !== undefined) job.reject(new TaskFailed(error, job.done))
    else if (!yielded || left === 0) job.resolve(job.done)
    else if (job.task.kind === 'parse') {
      // Its time slice is over: the files left wait for their space's next turn.
      job.task = { ...job.task, jobs: job.task.jobs.slice(job.task.jobs.length - left) }
      job.steps = left
      job.offset = job.done.length
      this.#lanes.push(job, job.space)
    }
    this.#pump()
  }

  #spawn(urgent: boolean): boolean {
    if (this.#workers.size >= this.#size + (urgent ? 1 : 0)) return false
    const progress = new SharedArrayBuffer(4)
    const worker = new Worker(this.#script, {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      workerData: { progress } satisfies WorkerData,
    })
    worker.unref()
    worker.on('message', (steps: WorkerSteps) => this.#answered(worker, steps))
    worker.on('error', (error) => {
      if (this.#starting.has(worker)) return this.#notStarted(worker, error.message)
      const memory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.#fail(worker, memory ? `it needed over ${WORKER_HEAP_MB} MB to parse` : error.message)
    })
    this.#workers.set(worker, { worker, progress: new Int32Array(progress) })
    this.#starting.add(worker)
    return true
  }
}

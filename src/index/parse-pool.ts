import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ParsedFile, ParsedSource } from './parse-file.js'

export interface ParseRequest {
  id: number
  space: string
  root: string
  maxBytes: number
  jobs: Array<{ path: string; source: ParsedSource }>
}

export interface ParseResponse {
  id: number
  results: ParsedFile[]
}

// Tests run the TypeScript sources, which a worker cannot load: they use the built copy.
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url)
  const script = here.endsWith('.ts')
    ? fileURLToPath(new URL('../../dist/index/parse-worker.js', import.meta.url))
    : fileURLToPath(new URL('./parse-worker.js', import.meta.url))
  return existsSync(script) ? script : undefined
}

const IDLE_MS = 500

/**
 * Worker threads that read and parse files for start-up scans, so that 100,000 files use every
 * core while the main thread walks folders, fills the store and answers requests. YAML front
 * matter alone costs ~0.1 ms a post. The workers exit after half an idle second: a running
 * gateway parses one changed file at a time, on the main thread.
 */
export class ParsePool {
  #script: string
  #size: number
  #workers: Worker[] = []
  #idle: Worker[] = []
  #waiting: Array<{ request: ParseRequest; done: (r: ParsedFile[] | Error) => void }> = []
  #busy = new Map<Worker, { id: number; done: (r: ParsedFile[] | Error) => void }>()
  #nextId = 0
  #filesSeen = 0

  /**
   * Whether the next file of a scan should go to the workers: only once the scans of the whole
   * index have seen more than 500 files, since starting workers (~25 MB each) does not pay off
   * for a few small spaces such as the demo.
   */
  wanted(): boolean {
    return ++this.#filesSeen > 500
  }
  #idleTimer: NodeJS.Timeout | undefined

  private constructor(script: string, size: number) {
    this.#script = script
    this.#size = size
  }

  /** undefined when workers cannot be used (no built worker script): parse on the main thread. */
  static create(size = availableParallelism()): ParsePool | undefined {
    const script = workerScript()
    return script && size > 0 ? new ParsePool(script, size) : undefined
  }

  run(
    space: string,
    root: string,
    maxBytes: number,
    jobs: ParseRequest['jobs'],
  ): Promise<ParsedFile[]> {
    clearTimeout(this.#idleTimer)
    const request: ParseRequest = { id: this.#nextId++, space, root, maxBytes, jobs }
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        request,
        done: (result) => (result instanceof Error ? reject(result) : resolve(result)),
      })
      this.#pump()
    })
  }

  close() {
    clearTimeout(this.#idleTimer)
    for (const worker of this.#workers) void worker.terminate()
    this.#workers = []
    this.#idle = []
    for (const { done } of this.#busy.values()) done(new Error('parse pool closed'))
    this.#busy.clear()
    for (const { done } of this.#waiting) done(new Error('parse pool closed'))
    this.#waiting = []
  }

  #pump() {
    while (this.#waiting.length) {
      const worker = this.#idle.pop() ?? this.#spawn()
      if (!worker) return
      const { request, done } = this.#waiting.shift()!
      this.#busy.set(worker, { id: request.id, done })
      worker.postMessage(request)
    }
    if (this.#busy.size === 0) {
      this.#idleTimer = setTimeout(() => this.close(), IDLE_MS)
      this.#idleTimer.unref()
    }
  }

  #spawn(): Worker | undefined {
    if (this.#workers.length >= this.#size) return undefined
    const worker = new Worker(this.#script)
    worker.unref()
    worker.on('message', (response: ParseResponse) => {
      const job = this.#busy.get(worker)
      this.#busy.delete(worker)
      this.#idle.push(worker)
      job?.done(response.results)
      this.#pump()
    })
    worker.on('error', (error) => {
      // A worker that died takes its batch with it: the caller parses that batch itself.
      this.#busy.get(worker)?.done(error)
      this.#busy.delete(worker)
      this.#workers = this.#workers.filter((w) => w !== worker)
      this.#idle = this.#idle.filter((w) => w !== worker)
      this.#pump()
    })
    this.#workers.push(worker)
    return worker
  }
}

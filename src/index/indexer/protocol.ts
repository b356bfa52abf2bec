import type { RenderedMarkdown } from '../../render/markdown.js'
import type { ParsedFile, ParsedSource } from '../parsers/parse-file.js'

/** What the pool asks of a worker: parse files of a space, or render one Markdown source. */
export type WorkerTask =
  | {
      kind: 'parse'
      space: string
      root: string
      maxBytes: number
      jobs: Array<{ path: string; source: ParsedSource }>
    }
  | { kind: 'page'; source: string }
  | { kind: 'post-html'; source: string; space: string; path: string }

export interface WorkerRequest {
  id: number
  task: WorkerTask
}

/** Steps done, in order: files of a parse task, or the whole of a render task. */
export interface WorkerSteps {
  id?: number
  values: Array<ParsedFile | RenderedMarkdown | string>
  /** The task failed (a render refused its input): why. */
  error?: string
  /**
   * The worker stopped a parse task after its time slice, with files left: the pool puts the
   * rest back in the space's lane, so that one space's slow files cannot starve the others.
   */
  yielded?: boolean
  /** Sent once, when the worker has loaded its parsers. */
  ready?: boolean
}

/** Sent to a worker when it starts: where it writes the index of the file it is on. */
export interface WorkerData {
  /** An Int32Array's buffer of one cell, shared: read by the pool when a file overruns. */
  progress: SharedArrayBuffer
}

/** Results go back every this many files, or this often. */
export const FLUSH_EVERY = 64
export const FLUSH_MS = 50
/** A parse task yields after this long, when it has files left. */
export const SLICE_MS = 250

/** A task a worker did not finish: too slow, refused, or it died (out of memory). */
export class TaskFailed extends Error {
  constructor(
    readonly reason: string,
    /** The values of the steps done before the one that failed. */
    readonly done: unknown[],
    /** For a parse task: the index of the file it was on. */
    readonly at?: number,
  ) {
    super(reason)
  }
}

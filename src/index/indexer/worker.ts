// A worker thread of the ParsePool: parses files and renders Markdown off the main thread.
import { parentPort, workerData } from 'node:worker_threads'
import { renderMarkdown } from '../../render/markdown.js'
import { readAndParse, type ParsedFile } from '../parsers/parse-file.js'
import { renderPostHtml } from '../parsers/post.js'
import {
  FLUSH_EVERY,
  FLUSH_MS,
  SLICE_MS,
  type WorkerData,
  type WorkerRequest,
  type WorkerSteps,
} from './protocol.js'

// Where the pool reads which file this worker is on, should one overrun the deadline.
const progress = new Int32Array((workerData as WorkerData).progress)

parentPort!.on('message', ({ id, task }: WorkerRequest) => {
  const send = (values: WorkerSteps['values'], yielded = false) =>
    parentPort!.postMessage({ id, values, ...(yielded ? { yielded } : {}) } satisfies WorkerSteps)
  switch (task.kind) {
    case 'parse': {
      // A message per file cost 100,000 structured clones on a cold start: results go in
      // batches, often enough that the pool's deadline sees progress.
      const started = performance.now()
      let batch: ParsedFile[] = []
      let sent = started
      for (const [i, job] of task.jobs.entries()) {
        if (i > 0 && performance.now() - started > SLICE_MS) return send(batch, true)
        Atomics.store(progress, 0, i)
        batch.push(readAndParse(task.space, task.root, job.path, job.source, task.maxBytes))
        if (batch.length >= FLUSH_EVERY || performance.now() - sent > FLUSH_MS) {
          send(batch)
          batch = []
          sent = performance.now()
        }
      }
      if (batch.length) send(batch)
      return
    }
    // A render that fails (Markdown nested too deeply) is an answer, not a dead worker.
    case 'page':
      return answer(id, () => renderMarkdown(task.source))
    case 'post-html':
      return answer(id, () => renderPostHtml(task.source, task.space, task.path))
  }
})

function answer(id: number, render: () => WorkerSteps['values'][number]) {
  let value
  try {
    value = render()
  } catch (error) {
    return parentPort!.postMessage({ id, values: [], error: (error as Error).message })
  }
  parentPort!.postMessage({ id, values: [value] } satisfies WorkerSteps)
}

// Loading the parsers takes a cold worker ~160 ms: the pool starts its deadlines from here.
parentPort!.postMessage({ ready: true })

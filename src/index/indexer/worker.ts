// A worker thread of the ParsePool: parses files and renders Markdown off the main thread.
import { parentPort } from 'node:worker_threads'
import { renderMarkdown } from '../../render/markdown.js'
import { readAndParse, type ParsedFile } from '../parsers/parse-file.js'
import type { WorkerRequest, WorkerSteps } from './pool.js'
import { renderPostHtml } from '../parsers/post.js'

const FLUSH_MS = 50

parentPort!.on('message', ({ id, task }: WorkerRequest) => {
  const send = (values: WorkerSteps['values']) =>
    parentPort!.postMessage({ id, values } satisfies WorkerSteps)
  switch (task.kind) {
    case 'parse': {
      // A message per file cost 100,000 structured clones on a cold start: results go in
      // batches, often enough that the pool's deadline sees progress.
      let batch: ParsedFile[] = []
      let sent = performance.now()
      for (const job of task.jobs) {
        batch.push(readAndParse(task.space, task.root, job.path, job.source, task.maxBytes))
        if (batch.length >= task.flushEvery || performance.now() - sent > FLUSH_MS) {
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

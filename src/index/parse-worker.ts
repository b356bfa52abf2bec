// A worker thread of the ParsePool: parses files and renders Markdown off the main thread,
// one message per step so that the pool's deadline applies to each file.
import { parentPort } from 'node:worker_threads'
import { renderMarkdown } from '../render/markdown.js'
import { readAndParse } from './parse-file.js'
import type { WorkerRequest, WorkerStep } from './parse-pool.js'
import { renderPostHtml } from './post.js'

parentPort!.on('message', ({ id, task }: WorkerRequest) => {
  const send = (value: WorkerStep['value']) => parentPort!.postMessage({ id, value })
  switch (task.kind) {
    case 'parse':
      for (const job of task.jobs) {
        send(readAndParse(task.space, task.root, job.path, job.source, task.maxBytes))
      }
      return
    case 'page':
      return send(renderMarkdown(task.source))
    case 'post-html':
      return send(renderPostHtml(task.source, task.space, task.path))
  }
})

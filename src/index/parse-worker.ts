// A worker thread of the ParsePool: reads and parses batches of files during start-up scans.
import { parentPort } from 'node:worker_threads'
import { readAndParse } from './parse-file.js'
import type { ParseRequest, ParseResponse } from './parse-pool.js'

parentPort!.on('message', (request: ParseRequest) => {
  const results = request.jobs.map((job) =>
    readAndParse(request.space, request.root, job.path, job.source, request.maxBytes),
  )
  parentPort!.postMessage({ id: request.id, results } satisfies ParseResponse)
})

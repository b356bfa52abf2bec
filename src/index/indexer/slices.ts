/**
 * Indexing runs on the event loop in slices, so that requests are answered while a space is
 * scanned or a burst is parsed. The budget is shared by every space: with 100 spaces each
 * taking its own 8 ms, one turn of the loop would hold requests for 800 ms.
 */
const SLICE_MS = 8

let turnStart = 0
let waiting: Array<() => void> = []
let scheduled = false

function nextTurn() {
  scheduled = false
  turnStart = performance.now()
  const ready = waiting
  waiting = []
  for (const resume of ready) resume()
}

/** Resolves at once while this turn has budget left, else on a later turn of the loop. */
export function slice(): Promise<void> | undefined {
  if (performance.now() - turnStart < SLICE_MS) return undefined
  return new Promise<void>((resolve) => {
    waiting.push(resolve)
    if (!scheduled) {
      scheduled = true
      setImmediate(nextTurn)
    }
  })
}

/**
 * Waits until this turn has budget left, checking again after each wait: many spaces resumed
 * in one turn then take it in turns instead of all running their next step at once.
 */
export async function withinSlice(): Promise<void> {
  for (let wait = slice(); wait; wait = slice()) await wait
}

/**
 * How many spaces are fully scanned at once. Each scan holds its space's file versions and the
 * paths it saw: a thousand spaces scanned together held a million of each (400 MB of heap).
 */
const SCANS = 8
let scans = 0
const queued: Array<() => void> = []

/** Runs one full scan when fewer than SCANS are running; a finished one hands its turn on. */
export async function scanTurn<T>(work: () => Promise<T>): Promise<T> {
  if (scans < SCANS) scans++
  else await new Promise<void>((resolve) => queued.push(resolve))
  try {
    return await work()
  } finally {
    const next = queued.shift()
    if (next) next()
    else scans--
  }
}

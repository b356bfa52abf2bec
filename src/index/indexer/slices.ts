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

import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { Item } from '../../index/item.js'
import { horizonOf, matches } from '../../index/query.js'
import type { StoreChange } from '../../index/store.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { spaceSummary } from '../../timeline/summary.js'
import { jsonFeedItem } from '../../timeline/json-feed.js'
import { originOf, readTimelineParams } from './timeline.js'

const HEARTBEAT_MS = 15_000
/**
 * Messages a stream may have waiting: a client that does not read while a burst arrives is
 * dropped rather than holding them all in memory (EventSource reconnects by itself).
 */
const MAX_QUEUE = 10_000

/**
 * `GET /events`: Server-Sent Events. `item` (a new or changed item, as a JSON Feed item),
 * `remove` (an item id), `space` (a space's status changed), and a comment every 15 s so that
 * proxies and browsers keep the stream open. `space` and `kind` filter like the timeline's.
 */
export function eventsRoute(state: GatewayState) {
  return function events(c: Context<GatewayEnv>) {
    // The idle timeout would close a quiet stream: beat well within it.
    const heartbeat = Math.min(HEARTBEAT_MS, state.config.limits.idleTimeoutMs / 3)
    const params = readTimelineParams(state, c, true)
    if (params instanceof Response) return params
    const { query } = params
    const origin = originOf(c)
    const wanted = (item: Item) => matches(item, query, horizonOf(Date.now()))

    c.header('Cache-Control', 'no-cache')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      const queue: Array<{ event: string; data: string }> = []
      let wake: (() => void) | undefined
      let open = true
      const push = (event: string, data: string) => {
        if (queue.length >= MAX_QUEUE) {
          open = false
          // Drop the connection at once (a reader this far behind is not reading at all).
          c.env?.outgoing?.destroy()
          stream.abort()
        } else queue.push({ event, data })
        wake?.()
      }
      const onChange = (change: StoreChange) => {
        for (const item of change.upserted) {
          if (wanted(item)) push('item', JSON.stringify(jsonFeedItem(item, origin, item.html)))
        }
        for (const id of change.removed) push('remove', id)
      }
      const onSpace = (name: string) =>
        push('space', JSON.stringify(spaceSummary(state.config, state.index, name)))
      state.index.on('change', onChange)
      state.index.on('space', onSpace)
      stream.onAbort(() => {
        open = false
        wake?.()
      })
      try {
        await stream.write(': connected\n\n')
        while (open) {
          while (queue.length && open) {
            const message = queue.shift()!
            await stream.writeSSE(message)
          }
          if (!open) break
          const timedOut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(true), heartbeat)
            wake = () => {
              clearTimeout(timer)
              resolve(false)
            }
          })
          wake = undefined
          if (timedOut && open) await stream.write(': heartbeat\n\n')
        }
      } finally {
        state.index.off('change', onChange)
        state.index.off('space', onSpace)
      }
    })
  }
}

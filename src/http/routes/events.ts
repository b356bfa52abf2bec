import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { horizonOf, matches, type Mute } from '../../index/query.js'
import { muteQuery } from '../../timeline/params.js'
import { addressedOf } from '../server/request.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { eventHub, type Subscriber } from './event-hub.js'
import { unreadNotifications } from './page-chrome.js'
import { originOf, readTimelineParams } from './timeline.js'

const HEARTBEAT_MS = 15_000
/**
 * What a stream may have waiting, in bytes: a client that does not read while a burst arrives
 * is dropped rather than holding it all in memory (EventSource reconnects by itself). A count
 * of messages was not enough: ten streams of 4 MB items took the heap to 3 GB.
 */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024

/**
 * `GET /events`: Server-Sent Events. `item` (a new or changed item, as a JSON Feed item),
 * `remove` (an item id), `space` (a space's status changed), `unread` (`{"notifications": N}`),
 * `reset` (too much was missed: reload), and a comment every 15 s so that proxies and browsers
 * keep the stream open. Every change has an `id:`; `Last-Event-ID` (which EventSource sends
 * when it reconnects) replays what the stream missed. The timeline's
 * parameters filter the items (mutes apply, as on the page); `view=cards` adds `card`
 * (`{id, date, html, reply_to}`: the item as the page shows it) for the gateway's own pages.
 */
export function eventsRoute(state: GatewayState) {
  const hub = eventHub(state)
  return function events(c: Context<GatewayEnv>) {
    // The idle timeout would close a quiet stream: beat well within it.
    const heartbeat = Math.min(HEARTBEAT_MS, state.config.limits.idleTimeoutMs / 3)
    const params = readTimelineParams(state, c, true)
    if (params instanceof Response) return params
    const { query, keep } = params
    const { mute: _atConnect, ...unmuted } = query
    const store = state.index.store
    // Mutes apply as they are now: muting on the page must silence an open stream too.
    let mutedBy: object | undefined
    let mute: Mute | undefined
    const muteNow = () => {
      if (keep.has('muted')) return undefined
      if (mutedBy !== state.config) mute = muteQuery((mutedBy = state.config).mute)
      return mute
    }
    const root = query.thread === undefined ? undefined : store.threads.rootOf(query.thread)

    c.header('Cache-Control', 'no-cache')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      const queue: Array<{ event: string; data: string; id?: string }> = []
      let queued = 0
      let wake: (() => void) | undefined
      let open = true
      const subscriber: Subscriber = {
        origin: originOf(c),
        cards: c.req.query('view') === 'cards',
        device: addressedOf(c, state).client !== 'user',
        wanted: (item) => {
          const mute = muteNow()
          return (
            matches(item, { ...unmuted, ...(mute ? { mute } : {}) }, horizonOf(Date.now())) &&
            (!query.match || store.itemMatches(item.id, query.match)) &&
            (!mute?.match || !store.itemMatches(item.id, mute.match)) &&
            (root === undefined || store.threads.inThread(item, root)) &&
            (!query.to || store.threads.isForMe(item, query.to))
          )
        },
        push(event, data, id) {
          queued += data.length
          if (queued > MAX_QUEUED_BYTES) {
            open = false
            // Drop the connection at once (a reader this far behind is not reading at all).
            c.env?.outgoing?.destroy()
            stream.abort()
          } else queue.push({ event, data, ...(id ? { id } : {}) })
          wake?.()
        },
      }
      stream.onAbort(() => {
        open = false
        wake?.()
      })
      // Subscribed before the first write: no change can fall between the id below and the
      // stream's first live event.
      const startId = hub.lastId
      hub.subscribe(subscriber, c.req.header('last-event-id') ?? c.req.query('lastEventId'))
      try {
        await stream.write(': connected\n\n')
        // The id to resume from, for a stream that has seen nothing yet.
        await stream.writeSSE({ event: 'hello', data: '{}', id: startId })
        const count = unreadNotifications(state)
        if (count !== undefined) subscriber.push('unread', JSON.stringify({ notifications: count }))
        while (open) {
          while (queue.length && open) {
            const message = queue.shift()!
            queued -= message.data.length
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
        hub.unsubscribe(subscriber)
      }
    })
  }
}

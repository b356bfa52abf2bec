import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { Item } from '../../index/item.js'
import { horizonOf, matches, type Mute } from '../../index/query.js'
import { muteQuery } from '../../timeline/params.js'
import type { StoreChange } from '../../index/store/store.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { spaceSummary, summaryForDevice } from '../../timeline/summary.js'
import { addressedOf } from '../server/request.js'
import { authorsOf } from '../../timeline/feed-items.js'
import { jsonFeedItem } from '../../timeline/json-feed.js'
import { renderFragment } from '../../render/templates.js'
import { itemView } from './item-view.js'
import { unreadNotifications } from './page-chrome.js'
import { originOf, readTimelineParams } from './timeline.js'
import { viewContext } from './view-context.js'

const HEARTBEAT_MS = 15_000
/**
 * What a stream may have waiting, in bytes: a client that does not read while a burst arrives
 * is dropped rather than holding it all in memory (EventSource reconnects by itself). A count
 * of messages was not enough: ten streams of 4 MB items took the heap to 3 GB.
 */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024

interface Subscriber {
  origin: string
  /** The page's own stream: items come as the page's HTML too (`card`). */
  cards: boolean
  /** Another device of the network sees no folder paths. */
  device: boolean
  wanted(item: Item): boolean
  push(event: string, data: string): void
}

/**
 * One listener on the index for all streams: a change is serialised once per origin (and
 * rendered once for pages), however many streams are open, and handed to each that wants it.
 * Every stream also hears how many notifications are unread, whenever that changes.
 */
function eventHub(state: GatewayState) {
  const streams = new Set<Subscriber>()
  let unread: number | undefined
  const announceUnread = () => {
    if (!streams.size) return
    const now = unreadNotifications(state)
    if (now === unread) return
    unread = now
    const data = JSON.stringify({ notifications: now ?? null })
    for (const stream of streams) stream.push('unread', data)
  }
  state.index.on('change', (change: StoreChange) => {
    if (!streams.size) return
    const threads = state.index.threadInfo(change.upserted)
    const serialised = new Map<string, Map<Item, string>>()
    const authors = new Map<string, ReturnType<typeof authorsOf>>()
    const text = (item: Item, origin: string) => {
      let byItem = serialised.get(origin)
      if (!byItem) serialised.set(origin, (byItem = new Map()))
      let author = authors.get(origin)
      if (!author) authors.set(origin, (author = authorsOf(state.config, state.index, origin)))
      let data = byItem.get(item)
      if (data === undefined) {
        const extras = {
          html: item.html,
          thread: threads.get(item.id),
          author: author(item.space, item.author),
        }
        byItem.set(item, (data = JSON.stringify(jsonFeedItem(item, origin, extras))))
      }
      return data
    }
    const cards = new Map<Item, string>()
    const card = (item: Item) => {
      let data = cards.get(item)
      if (data === undefined) {
        const view = itemView(
          item,
          viewContext(state, state.read.markers.timeline),
          threads.get(item.id),
        )
        const html = renderFragment('item', view)
        // `reply_to`: a conversation page indents the card below its parent.
        const replyTo = threads.get(item.id)?.replyTo
        cards.set(
          item,
          (data = JSON.stringify({ id: item.id, date: view.dateISO, html, reply_to: replyTo })),
        )
      }
      return data
    }
    for (const stream of streams) {
      for (const item of change.upserted) {
        if (!stream.wanted(item)) continue
        stream.push('item', text(item, stream.origin))
        if (stream.cards) stream.push('card', card(item))
      }
      for (const id of change.removed) stream.push('remove', id)
    }
    announceUnread()
  })
  state.read.on('change', announceUnread)
  state.index.on('space', (name: string) => {
    if (!streams.size) return
    const summary = spaceSummary(state.config, state.index, name)
    const forUser = JSON.stringify(summary)
    const forDevice = JSON.stringify(summaryForDevice(summary))
    for (const stream of streams) stream.push('space', stream.device ? forDevice : forUser)
  })
  return streams
}

/**
 * `GET /events`: Server-Sent Events. `item` (a new or changed item, as a JSON Feed item),
 * `remove` (an item id), `space` (a space's status changed), `unread` (`{"notifications": N}`),
 * and a comment every 15 s so that proxies and browsers keep the stream open. The timeline's
 * parameters filter the items (mutes apply, as on the page); `view=cards` adds `card`
 * (`{id, date, html, reply_to}`: the item as the page shows it) for the gateway's own pages.
 */
export function eventsRoute(state: GatewayState) {
  const streams = eventHub(state)
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
      const queue: Array<{ event: string; data: string }> = []
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
        push(event, data) {
          queued += data.length
          if (queued > MAX_QUEUED_BYTES) {
            open = false
            // Drop the connection at once (a reader this far behind is not reading at all).
            c.env?.outgoing?.destroy()
            stream.abort()
          } else queue.push({ event, data })
          wake?.()
        },
      }
      streams.add(subscriber)
      stream.onAbort(() => {
        open = false
        wake?.()
      })
      try {
        await stream.write(': connected\n\n')
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
        streams.delete(subscriber)
      }
    })
  }
}

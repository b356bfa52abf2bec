import { randomBytes } from 'node:crypto'
import type { Item } from '../../index/item.js'
import type { StoreChange } from '../../index/store/store.js'
import { renderFragment } from '../../render/templates.js'
import { authorsOf } from '../../timeline/feed-items.js'
import { jsonFeedItem } from '../../timeline/json-feed.js'
import { spaceSummary, summaryForDevice } from '../../timeline/summary.js'
import type { GatewayState } from '../server/state.js'
import { itemView } from './item-view.js'
import { unreadNotifications } from './page-chrome.js'
import { viewContext } from './view-context.js'

/**
 * Changes kept for streams that reconnect (`Last-Event-ID`): the last this many, and at most
 * this many items in them; a stream that missed more is told to `reset` (reload its page).
 */
const KEPT_CHANGES = 500
const KEPT_ITEMS = 5000

export interface Subscriber {
  origin: string
  /** The page's own stream: items come as the page's HTML too (`card`). */
  cards: boolean
  /** Another device of the network sees no folder paths. */
  device: boolean
  wanted(item: Item): boolean
  push(event: string, data: string, id?: string): void
}

/**
 * One listener on the index for all streams: a change is serialised once per origin (and
 * rendered once for pages), however many streams are open, and handed to each that wants it.
 * Every stream also hears how many notifications are unread, whenever that changes.
 */
export function eventHub(state: GatewayState) {
  const streams = new Set<Subscriber>()
  // Event ids are EPOCH-SEQ: an id from before a restart is not one of ours, and means reset.
  const epoch = randomBytes(4).toString('hex')
  let seq = 0
  const kept: Array<{ seq: number; change: StoreChange }> = []
  let keptItems = 0
  let unread: number | undefined
  const announceUnread = () => {
    if (!streams.size) return
    const now = unreadNotifications(state)
    if (now === unread) return
    unread = now
    const data = JSON.stringify({ notifications: now ?? null })
    for (const stream of streams) stream.push('unread', data)
  }
  const deliver = (change: StoreChange, id: string, to: Iterable<Subscriber>) => {
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
          (data = JSON.stringify({
            id: item.id,
            // Where the card goes: where the item stands, which is not its date when dated ahead.
            date: new Date(item.shown ?? item.date).toISOString(),
            html,
            reply_to: replyTo,
          })),
        )
      }
      return data
    }
    for (const stream of to) {
      for (const item of change.upserted) {
        if (!stream.wanted(item)) continue
        stream.push('item', text(item, stream.origin), id)
        if (stream.cards) stream.push('card', card(item), id)
      }
      for (const removed of change.removed) stream.push('remove', removed, id)
    }
  }
  state.index.on('change', (change: StoreChange) => {
    seq++
    kept.push({ seq, change })
    keptItems += change.upserted.length
    while (kept.length > KEPT_CHANGES || (keptItems > KEPT_ITEMS && kept.length > 1))
      keptItems -= kept.shift()!.change.upserted.length
    if (!streams.size) return
    deliver(change, `${epoch}-${seq}`, streams)
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
  return {
    /** The id of the latest change, for a stream that starts now. */
    get lastId() {
      return `${epoch}-${seq}`
    },
    /**
     * Adds a stream; with the id of the last event it saw, first replays what it missed, or
     * tells it to `reset` when that is no longer known (too long ago, or another launch).
     */
    subscribe(stream: Subscriber, lastEventId: string | undefined) {
      streams.add(stream)
      if (!lastEventId) return
      const [from, at] = lastEventId.split('-')
      const since = Number(at)
      const oldest = kept[0]?.seq ?? seq + 1
      if (from !== epoch || !Number.isInteger(since) || since > seq || since < oldest - 1) {
        stream.push('reset', '{}')
        return
      }
      for (const { seq: n, change } of kept)
        if (n > since) deliver(change, `${epoch}-${n}`, [stream])
    },
    unsubscribe(stream: Subscriber) {
      streams.delete(stream)
    },
  }
}

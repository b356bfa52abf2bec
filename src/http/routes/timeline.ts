import type { Context } from 'hono'
import type { Item } from '../../index/item.js'
import type { Cursor } from '../../index/query.js'
import { encodeCursor } from '../../index/query.js'
import { meSpaces } from '../../config/me.js'
import { renderPage } from '../../render/templates.js'
import { atomFeed } from '../../timeline/atom.js'
import { paramsContext } from '../../timeline/context.js'
import { authorsOf, feedItems } from '../../timeline/feed-items.js'
import { FEED_TITLE, jsonFeed } from '../../timeline/json-feed.js'
import { parseTimelineParams, type TimelineParams } from '../../timeline/params.js'
import { sendError } from '../errors.js'
import { GATEWAY_HEADERS } from '../headers.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { writerOf } from './guard.js'
import { itemView } from './item-view.js'
import { unreadNotifications, unreadTimeline } from './page-chrome.js'
import { responseCache } from './response-cache.js'
import { viewContext } from './view-context.js'

/** A page of the timeline, or of one conversation (with each item's depth in it). */
interface Listing {
  items: Item[]
  next?: Cursor
  depths?: Map<string, number>
  /** The conversation's root ref. */
  root?: string
}

/**
 * `/timeline` (the page; with `thread=REF` a conversation), `/notifications`, `/timeline.json`
 * (JSON Feed 1.1) and `/timeline.xml` (Atom 1.0, RFC 4287).
 */
export function timelineRoutes(state: GatewayState) {
  const cached = responseCache(state)

  const list = ({ query, keep }: TimelineParams): Listing =>
    query.thread
      ? state.index.conversation(query.thread, query, keep.has('limit'))
      : state.index.store.query(query)

  const withQuery = (path: string, keep: URLSearchParams, next?: Cursor) => {
    const params = new URLSearchParams(keep)
    if (next) params.set('before', encodeCursor(next))
    const text = params.toString()
    return text ? `${path}?${text}` : path
  }

  /** The timeline page, a conversation or the notifications: the same items, three views. */
  const page = (view: 'timeline' | 'notifications') =>
    async function page(c: Context<GatewayEnv>) {
      const forced: Record<string, string> = view === 'notifications' ? { to: 'me' } : {}
      const params = readTimelineParams(state, c, false, forced)
      if (params instanceof Response) return params
      const { query, keep } = params
      const path = view === 'notifications' ? '/notifications' : '/timeline'
      const shown = new URLSearchParams(keep)
      if (view === 'notifications') shown.delete('to')
      // An active tag filter shows as a chip that links to the same view without it.
      const untagged = new URLSearchParams(shown)
      untagged.delete('tag')
      const tag = keep.get('tag') ?? undefined
      // So is a search, which the header's search box shows too.
      const unsearched = new URLSearchParams(shown)
      unsearched.delete('q')
      const words = keep.get('q') ?? undefined
      // Who asks shapes the page: the user's has the token; a paired device's can post and
      // mark read (by its cookie); another device's only reads.
      const writer = writerOf(c, state)
      const html = await cached(c, `${view}|${writer ?? 'reader'}`, params, async () => {
        const listing = list(params)
        const marker = state.read.markers[view === 'notifications' ? 'notifications' : 'timeline']
        const context = viewContext(state, marker)
        const threads = state.index.threadInfo(listing.items)
        const items = listing.items.map((item) =>
          itemView(item, context, threads.get(item.id), listing.depths?.get(item.id)),
        )
        const thread = listing.root !== undefined
        const unread = thread
          ? 0
          : view === 'notifications'
            ? state.index.store.countArrived(query, marker)
            : unreadTimeline(state, query)
        return renderPage(thread ? 'thread' : 'timeline', {
          title: thread ? 'Conversation' : view === 'notifications' ? 'Notifications' : 'Timeline',
          gateway: '',
          view,
          items,
          root: listing.root,
          rootItem: items.find((i) => i.ref === listing.root),
          older: listing.next ? withQuery(path, shown, listing.next) : undefined,
          newest: query.before ? withQuery(path, shown) : undefined,
          live: !query.before,
          filter: query.spaces?.size === 1 ? [...query.spaces][0] : undefined,
          tag: tag && { name: tag, without: withQuery(path, untagged) },
          search: words && { words, without: withQuery(path, unsearched) },
          q: words,
          maxImageBytes: state.config.limits.maxImageBytes,
          spaces: state.config.spaces.map((s) => ({
            name: s.name,
            title: s.title ?? s.name,
            offline: state.index.space(s.name)?.status === 'offline',
          })),
          query: keep.toString(),
          indexing: state.index.indexing,
          unread,
          newestArrived: Math.max(0, ...listing.items.map((i) => i.arrived ?? 0)),
          muted: keep.get('muted') === 'include' ? undefined : state.config.mute,
          notifications: unreadNotifications(state),
          me: meSpaces(state.config)[0],
          writer: meSpaces(state.config).length ? writer : undefined,
          user: writer === 'user',
          token: meSpaces(state.config).length && writer === 'user' ? state.token : undefined,
        })
      })
      return c.body(html, 200, {
        ...GATEWAY_HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
      })
    }

  return {
    page: page('timeline'),
    notifications: page('notifications'),

    async json(c: Context<GatewayEnv>) {
      const params = readTimelineParams(state, c, true)
      if (params instanceof Response) return params
      const { keep } = params
      const body = await cached(c, 'json', params, async () => {
        const origin = originOf(c)
        const listing = list(params)
        return JSON.stringify(
          jsonFeed(await feedItems(state.config, state.index, listing.items, origin), {
            home: origin + withQuery('/timeline', keep),
            feed: origin + withQuery('/timeline.json', keep),
            ...(listing.next
              ? { next: origin + withQuery('/timeline.json', keep, listing.next) }
              : {}),
          }),
        )
      })
      return c.body(body, 200, {
        'Content-Type': 'application/feed+json; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      })
    },

    async atom(c: Context<GatewayEnv>) {
      const params = readTimelineParams(state, c, false)
      if (params instanceof Response) return params
      const { keep } = params
      const xml = await cached(c, 'atom', params, async () => {
        const origin = originOf(c)
        const listing = list(params)
        const threads = state.index.threadInfo(listing.items)
        const authors = authorsOf(state.config, state.index, origin)
        const entries = await Promise.all(
          listing.items.map(async (item) => ({
            item,
            html: await state.index.htmlOf(item),
            thread: threads.get(item.id),
            author: authors(item.space, item.author).name,
          })),
        )
        return atomFeed(entries, {
          title: FEED_TITLE,
          origin,
          links: {
            self: origin + withQuery('/timeline.xml', keep),
            alternate: origin + withQuery('/timeline', keep),
            ...(listing.next
              ? { next: origin + withQuery('/timeline.xml', keep, listing.next) }
              : {}),
          },
        })
      })
      return c.body(xml, 200, {
        'Content-Type': 'application/atom+xml; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      })
    },
  }
}

/** The request's timeline filters, or a 400 that says which parameter is wrong. */
export function readTimelineParams(
  state: GatewayState,
  c: Context<GatewayEnv>,
  json: boolean,
  forced: Record<string, string> = {},
): TimelineParams | Response {
  try {
    const search = new URL(c.req.url).searchParams
    for (const [key, value] of Object.entries(forced)) search.set(key, value)
    return parseTimelineParams(search, paramsContext(state.config, state.index))
  } catch (error) {
    return sendError(c, {
      status: 400,
      code: 'bad_request',
      message: (error as Error).message,
      json,
    })
  }
}

/** The gateway's origin as this client reached it, for absolute URLs in feeds. */
export function originOf(c: Context): string {
  return `http://${c.req.header('host') ?? 'localhost'}`
}

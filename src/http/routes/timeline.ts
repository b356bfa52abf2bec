import type { Context } from 'hono'
import { findSpace } from '../../config/config.js'
import { BoundedCache } from '../../cache.js'
import type { Page } from '../../index/query.js'
import { encodeCursor } from '../../index/query.js'
import { renderPage } from '../../render/templates.js'
import { atomFeed } from '../../timeline/atom.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { sendError } from '../errors.js'
import { GATEWAY_HEADERS } from '../headers.js'
import { itemView } from './item-view.js'
import { FEED_TITLE, jsonFeed, jsonFeedItem } from '../../timeline/json-feed.js'
import { parseTimelineParams, type TimelineParams } from '../../timeline/params.js'

/** `/timeline`, `/timeline.json` (JSON Feed 1.1) and `/timeline.xml` (Atom 1.0, RFC 4287). */
export function timelineRoutes(state: GatewayState) {
  const spaceTitle = (name: string) => findSpace(state.config, name)?.title ?? name

  const read = (c: Context<GatewayEnv>, json: boolean) => readTimelineParams(state, c, json)

  // Feeds are polled: the same URL is answered from memory until an item changes (or a minute
  // passes, since items dated ahead appear with time).
  // Kept as bytes: re-encoding a 50-item feed (~60 KB) to UTF-8 on every request cost more than
  // building it.
  // The promise is cached, not only the bytes: 50 clients asking at once while the first build
  // runs (sorting 100,000 items, rendering 50 posts) wait for that one build instead of each
  // starting their own, which held /timeline.json's p99 at ~150 ms for the first seconds.
  // Keyed on what the answer depends on, never on the raw URL: any `?x=N` a page adds would
  // otherwise be a new entry (70 of them took RSS from 0.6 to 7.3 GB); bounded by bytes.
  const cache = new BoundedCache<string, Uint8Array<ArrayBuffer>>(
    64 * 1024 * 1024,
    (body) => body.byteLength,
  )
  const building = new Map<string, Promise<Uint8Array<ArrayBuffer>>>()
  // The page shows the config's spaces, titles and me: a reload is a new key.
  const configs = new WeakMap<object, number>()
  let configCount = 0
  const encoder = new TextEncoder()
  const cached = (
    c: Context,
    route: string,
    { query, keep }: TimelineParams,
    make: () => Promise<string>,
  ) => {
    if (!configs.has(state.config)) configs.set(state.config, ++configCount)
    const before = query.before ? encodeCursor(query.before) : ''
    const key = `${route}|${state.index.store.version}|${Math.floor(Date.now() / 60_000)}|${configs.get(state.config)}|${c.req.header('host')}|${keep}|${before}`
    const done = cache.get(key)
    if (done) return Promise.resolve(done)
    let body = building.get(key)
    if (body === undefined) {
      body = make().then((text) => {
        const bytes = encoder.encode(text)
        cache.set(key, bytes)
        return bytes
      })
      building.set(key, body)
      void body.finally(() => building.delete(key)).catch(() => {})
    }
    return body
  }

  const withQuery = (path: string, keep: URLSearchParams, next?: Page['next']) => {
    const params = new URLSearchParams(keep)
    if (next) params.set('before', encodeCursor(next))
    const text = params.toString()
    return text ? `${path}?${text}` : path
  }

  return {
    async page(c: Context<GatewayEnv>) {
      const params = read(c, false)
      if (params instanceof Response) return params
      const { query, keep } = params
      // The page changes with the items, the relative times (by the minute) and the spaces.
      const html = await cached(c, 'page', params, async () => {
        const page = state.index.store.query(query)
        const now = Date.now()
        return renderPage('timeline', {
          title: 'Timeline',
          gateway: '',
          items: page.items.map((item) => itemView(item, spaceTitle(item.space), now)),
          older: page.next ? withQuery('/timeline', keep, page.next) : undefined,
          newest: query.before ? withQuery('/timeline', keep) : undefined,
          live: !query.before,
          filter: query.spaces?.size === 1 ? [...query.spaces][0] : undefined,
          spaces: state.config.spaces.map((s) => ({ name: s.name, title: s.title ?? s.name })),
          spaceTitles: JSON.stringify(
            Object.fromEntries(state.config.spaces.map((s) => [s.name, s.title ?? s.name])),
          ),
          query: keep.toString(),
          indexing: state.index.indexing,
          me: state.config.me,
          token: state.config.me ? state.token : undefined,
        })
      })
      return c.body(html, 200, {
        ...GATEWAY_HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
      })
    },

    async json(c: Context<GatewayEnv>) {
      const params = read(c, true)
      if (params instanceof Response) return params
      const { query, keep } = params
      const body = await cached(c, 'json', params, async () => {
        const origin = originOf(c)
        const page = state.index.store.query(query)
        const items = await Promise.all(
          page.items.map(async (item) =>
            jsonFeedItem(item, origin, await state.index.htmlOf(item)),
          ),
        )
        return JSON.stringify(
          jsonFeed(items, {
            home: origin + withQuery('/timeline', keep),
            feed: origin + withQuery('/timeline.json', keep),
            ...(page.next ? { next: origin + withQuery('/timeline.json', keep, page.next) } : {}),
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
      const params = read(c, false)
      if (params instanceof Response) return params
      const { query, keep } = params
      const xml = await cached(c, 'atom', params, async () => {
        const origin = originOf(c)
        const page = state.index.store.query(query)
        const entries = await Promise.all(
          page.items.map(async (item) => ({ item, html: await state.index.htmlOf(item) })),
        )
        return atomFeed(entries, {
          title: FEED_TITLE,
          origin,
          links: {
            self: origin + withQuery('/timeline.xml', keep),
            alternate: origin + withQuery('/timeline', keep),
            ...(page.next ? { next: origin + withQuery('/timeline.xml', keep, page.next) } : {}),
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
): TimelineParams | Response {
  try {
    return parseTimelineParams(
      new URL(c.req.url).searchParams,
      (name) => findSpace(state.config, name) !== undefined,
    )
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

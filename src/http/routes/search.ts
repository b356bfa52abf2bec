import type { Context } from 'hono'
import { findSpace } from '../../config/config.js'
import { spacePath } from '../../index/parsers/fields.js'
import { ftsQuery } from '../../index/store/fts-query.js'
import { formatCursor, parseCursor, RANK_WINDOW } from '../../index/store/search.js'
import { renderPage } from '../../render/templates.js'
import { conversationPath } from '../../timeline/json-feed.js'
import { normalizeName } from '../../spaces/names.js'
import { sendError } from '../errors.js'
import { GATEWAY_HEADERS } from '../headers.js'
import { addressedOf } from '../server/request.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { unreadNotifications } from './page-chrome.js'
import { originOf } from './timeline.js'

const DEFAULT_LIMIT = 20
const MAX_LIMIT = 100

/** `GET /api/search` (JSON) and `GET /search` (the page, which works without JavaScript). */
export function searchRoutes(state: GatewayState) {
  /** The request's query, or the reason it is not one (a 400). */
  function read(c: Context) {
    const url = new URL(c.req.url)
    const params = url.searchParams
    const q = (params.get('q') ?? '').trim()
    const match = ftsQuery(q)
    let spaces: Set<string> | undefined
    if (params.has('space')) {
      spaces = new Set()
      for (const input of (params.get('space') ?? '').split(',').filter((s) => s.trim())) {
        const name = normalizeName(input.trim())
        if (!name || !findSpace(state.config, name))
          throw new Error(`space: no space named "${input}"`)
        spaces.add(name)
      }
      if (!spaces.size) throw new Error('space: give one or more space names, e.g. space=alice,bob')
    }
    const rawLimit = params.get('limit')
    const limit = rawLimit === null ? DEFAULT_LIMIT : Number(rawLimit)
    if (rawLimit !== null && (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_LIMIT)) {
      throw new Error(`limit: must be a whole number from 1 to ${MAX_LIMIT}`)
    }
    const cursor = params.get('cursor')
    return { q, match, spaces, limit, ...(cursor !== null ? { cursor: parseCursor(cursor) } : {}) }
  }

  function run(c: Context, query: ReturnType<typeof read>) {
    const origin = originOf(c)
    const { rows, next: after, order } = state.index.store.search(query)
    // Items leading to a page that matches are left out by the store; items leading to one place
    // that is no page (an h-entry and a feed's entry of one post) are one hit within a page.
    const seen = new Set<string>()
    const hits = rows
      .map(({ url, ref, ...row }) => ({
        space: row.space,
        path: row.path,
        url: absolute(origin, hitPath(row.kind, row.space, row.path, url, ref)),
        title: row.title,
        snippet: row.snippet,
        kind: row.kind,
      }))
      .filter((hit) => !seen.has(hit.url) && seen.add(hit.url))
    const next = new URLSearchParams({ q: query.q })
    if (query.spaces) next.set('space', [...query.spaces].join(','))
    if (query.limit !== DEFAULT_LIMIT) next.set('limit', String(query.limit))
    if (after) next.set('cursor', formatCursor(after))
    return { hits, next: after ? next.toString() : undefined, order }
  }

  return {
    api(c: Context<GatewayEnv>) {
      let query
      try {
        query = read(c)
      } catch (error) {
        return sendError(c, {
          status: 400,
          code: 'bad_request',
          message: (error as Error).message,
          json: true,
        })
      }
      const { hits, next, order } = run(c, query)
      return c.json(
        {
          query: query.q,
          // relevance; newest (too common to rank: the latest to arrive first); older (after
          // the ranked ones).
          order,
          hits,
          ...(next ? { next_url: `${originOf(c)}/api/search?${next}` } : {}),
        },
        200,
        { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' },
      )
    },

    page(c: Context<GatewayEnv>) {
      const q = (c.req.query('q') ?? '').trim()
      let result: ReturnType<typeof run> | undefined
      let problem: string | undefined
      let within: string[] | undefined
      if (q) {
        try {
          const query = read(c)
          within = query.spaces && [...query.spaces]
          result = run(c, query)
        } catch (error) {
          problem = (error as Error).message.replace(/^q: /, '')
        }
      }
      const html = renderPage('search', {
        title: q ? `“${q.length > 80 ? `${q.slice(0, 80)}…` : q}”` : 'Search',
        gateway: '',
        q,
        within,
        problem,
        hits: result?.hits ?? [],
        searched: result !== undefined,
        order: result?.hits.length ? result.order : undefined,
        ranked: RANK_WINDOW.toLocaleString('en'),
        indexing: !state.index.store.built,
        more: result?.next ? `/search?${result.next}` : undefined,
        notifications: unreadNotifications(state),
        user: addressedOf(c, state).client === 'user',
      })
      return c.html(html, problem ? 400 : 200, { ...GATEWAY_HEADERS, 'Cache-Control': 'no-cache' })
    },
  }
}

/**
 * Where a hit leads: a page, a post or a feed entry to its own page (as on the timeline); a
 * status or a twt, which have none, to its conversation, never to its raw file.
 */
function hitPath(kind: string, space: string, path: string, url?: string, ref?: string): string {
  if (kind === 'page' || ref === undefined) return spacePath(space, path)
  if ((kind === 'post' || kind === 'feed') && url) return url
  return conversationPath(ref)
}

function absolute(origin: string, url: string): string {
  return url.startsWith('/') ? origin + url : url
}

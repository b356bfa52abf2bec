import type { Context } from 'hono'
import type { Follow } from '../../index/parsers/follows.js'
import { normalizeName } from '../../spaces/names.js'
import { safeHttpUrl } from '../../safe-url.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { sendError } from '../errors.js'

/** One space as `/api/spaces` shows it: where it is, whether it is there, what is wrong. */
export function spaceSummary(state: GatewayState, name: string) {
  const settings = state.config.spaces.find((s) => s.name === name)
  const indexer = state.index.spaces.get(name)
  const stats = state.index.store.statsOf(name)
  return {
    name,
    followed: settings !== undefined,
    title: settings?.title ?? name,
    path: settings?.root ?? '',
    online: indexer ? indexer.status !== 'offline' : false,
    status: indexer?.status ?? 'offline',
    ...(indexer?.degraded ? { degraded: indexer.degraded } : {}),
    ...(indexer?.status === 'offline' && indexer.offlineReason
      ? { offline: `the folder ${indexer.offlineReason}` }
      : {}),
    items: stats.items,
    lastUpdated: stats.lastUpdated !== undefined ? new Date(stats.lastUpdated).toISOString() : null,
    files: indexer?.files ?? 0,
    follows: followsOf(state, name),
    problems: [...(indexer?.problems ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([file, reason]) => ({ file, reason })),
  }
}

/** `GET /api/spaces` and `GET /api/spaces/NAME`. */
export function apiRoutes(state: GatewayState) {
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }
  return {
    list(c: Context<GatewayEnv>) {
      return c.json(
        state.config.spaces.map((s) => spaceSummary(state, s.name)),
        200,
        headers,
      )
    },
    one(c: Context<GatewayEnv>) {
      const name = normalizeName(c.req.param('name') ?? '')
      if (!name || !state.config.spaces.some((s) => s.name === name)) {
        return sendError(c, {
          status: 404,
          code: 'no_such_space',
          message: `No space named ${c.req.param('name')}`,
          json: true,
        })
      }
      return c.json(spaceSummary(state, name), 200, headers)
    },
  }
}

/**
 * Whom a space follows: its follows.json, then its twtxt `# follow =` lines. Names the user
 * follows too carry `space`, their name here, so pages can link to them. A `url` is kept only
 * when safeHttpUrl accepts it (the parsers already checked; this is where it becomes a link, so
 * no other source of follows can bring a `javascript:` one), else the name shows as text.
 */
export function followsOf(state: GatewayState, name: string) {
  const indexer = state.index.spaces.get(name)
  const listed: Follow[] = [
    ...(indexer?.follows ?? []),
    ...(indexer?.twtxt?.follows ?? []).map((f) => ({ name: f.nick, url: f.url })),
  ]
  const seen = new Set<string>()
  return listed
    .filter((f) => !seen.has(f.name.toLowerCase()) && seen.add(f.name.toLowerCase()))
    .map(({ url: raw, ...f }) => {
      const url = safeHttpUrl(raw)
      const local = normalizeName(f.name)
      const followed =
        local && state.config.spaces.some((s) => s.name === local) ? local : undefined
      return { ...f, ...(url ? { url } : {}), ...(followed ? { space: followed } : {}) }
    })
}

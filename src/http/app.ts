import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { findSpace } from '../config/config.js'
import { sendError } from './errors.js'
import { actionRoutes } from './routes/actions.js'
import { apiRoutes } from './routes/api.js'
import { gatewayAssets } from './routes/assets.js'
import { eventsRoute } from './routes/events.js'
import { queryGuard, writeGuard, writeRefusal } from './routes/guard.js'
import { isCorrupt } from '../index/store/db.js'

import { homePage } from './routes/home.js'
import { ownPostRoutes } from './routes/own-posts.js'
import { pairRoutes } from './routes/pair.js'
import { postBodyLimit, postsRoute } from './routes/posts.js'
import { searchRoutes } from './routes/search.js'
import { settingsRoutes } from './routes/settings.js'
import { timelineRoutes } from './routes/timeline.js'
import { cachedFileResponder } from './server/fast-path.js'
import { addressedOf } from './server/request.js'
import type { GatewayEnv, GatewayState } from './server/state.js'
import { PageCache } from './site/page-cache.js'
import { ResolveCache } from './site/resolve-cache.js'
import { spaceSite } from './site/site.js'

// Routes that run a full-text query when asked with q= (queryGuard).
const QUERY_ROUTES = [
  '/search',
  '/api/search',
  '/timeline',
  '/timeline.json',
  '/timeline.xml',
  '/notifications',
  '/events',
]

/**
 * The gateway: its routes, and the space route that the one decision of server/route.ts sends
 * a request to. The composition root: nothing imports this but the server.
 */
export function createApp(state: GatewayState) {
  const app = new Hono<GatewayEnv>()
  const cache = new ResolveCache(state.index)
  const pages = new PageCache()
  const serveSpace = spaceSite(state, cache, pages)

  app.use('*', async function spaces(c, next) {
    const { to, route } = addressedOf(c, state)
    switch (route.kind) {
      case 'gateway':
        return next()
      case 'no-such-space':
        return sendError(c, {
          status: 404,
          code: 'no_such_space',
          message: `No space named ${route.name}`,
          hint: `Follow a folder with: syncweb follow ${route.name} FOLDER`,
        })
      case 'read-only':
        c.header('Allow', 'GET, HEAD')
        return sendError(c, {
          status: 405,
          code: 'method_not_allowed',
          message: 'Spaces are read-only',
        })
      case 'redirect':
        return c.redirect(route.location, route.status)
      case 'space': {
        const space = findSpace(state.config, route.name)!
        return serveSpace(c, { ...route, space, port: to.port })
      }
    }
  })

  const asset = gatewayAssets()
  app.get('/_/*', (c) => asset(c) ?? sendError(c, notFound))
  app.get('/', homePage(state))
  const timeline = timelineRoutes(state)
  // Before every route that runs a full-text query (q=).
  for (const path of QUERY_ROUTES) app.use(path, queryGuard)
  app.get('/timeline', timeline.page)
  app.get('/timeline.json', timeline.json)
  app.get('/timeline.xml', timeline.atom)
  app.get('/notifications', timeline.notifications)
  app.get('/events', eventsRoute(state))
  // Limits are read once: they shape the server itself (its timeouts), so they apply at start.
  const { maxBodyBytes, maxImageBytes } = state.config.limits
  const limited = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        sendError(c, {
          status: 413,
          code: 'too_large',
          message:
            maxSize === maxBodyBytes
              ? `a post body is at most ${maxBodyBytes} bytes (limits.maxBodyBytes)`
              : `a post with its image is at most ${maxSize} bytes (limits.maxBodyBytes and limits.maxImageBytes)`,
          json: true,
        }),
    })
  const guarded = [limited(maxBodyBytes)] as const
  // A new post may carry an image as base64 (4 characters for 3 bytes); postBodyLimit holds the
  // rest of the body to maxBodyBytes, the route the image to maxImageBytes. That room is only
  // for a request that may write (decided from its headers): anyone else's body is held to
  // maxBodyBytes before it is read, so that unpaired devices and pages cannot make the
  // gateway buffer and parse megabytes each.
  const withImage = limited(maxBodyBytes + Math.ceil(maxImageBytes / 3) * 4 + 1024)
  const [withoutImage] = guarded
  app.use(
    '/api/posts',
    (c, next) => (writeRefusal(c, state, 'paired') ? withoutImage : withImage)(c, next),
    postBodyLimit(maxBodyBytes),
    writeGuard(state, 'paired'),
  )
  // Edits, deletes and read marks: the user, or a paired device; the rest: the user only.
  for (const path of ['/api/posts/edit', '/api/posts/delete', '/api/read'])
    app.use(path, ...guarded, writeGuard(state, 'paired'))
  for (const path of ['/api/mute', '/api/pair', '/api/devices/revoke'])
    app.use(path, ...guarded, writeGuard(state, 'user'))
  app.post('/api/posts', postsRoute(state, { maxImageBytes }))
  const own = ownPostRoutes(state)
  app.post('/api/posts/edit', own.edit)
  app.post('/api/posts/delete', own.delete)
  const actions = actionRoutes(state)
  app.post('/api/read', actions.read)
  app.post('/api/mute', actions.mute)
  app.get('/api/unread', actions.unread)
  const pair = pairRoutes(state)
  app.get('/pair', pair.show)
  app.post('/pair', bodyLimit({ maxSize: 4096 }), pair.enter)
  app.post('/api/pair', pair.start)
  app.get('/api/devices', pair.devices)
  app.post('/api/devices/revoke', pair.revoke)
  const search = searchRoutes(state)
  app.get('/search', search.page)
  app.get('/api/search', search.api)
  // Settings: the user on this machine only, the page and every write (devices get 403).
  const settings = settingsRoutes(state)
  app.get('/settings', settings.page)
  app.get('/api/settings', settings.api)
  for (const [path, write] of [
    ['/api/settings/follow', settings.follow],
    ['/api/settings/unfollow', settings.unfollow],
    ['/api/settings/space', settings.space],
    ['/api/settings/me', settings.me],
  ] as const) {
    app.use(path, ...guarded, writeGuard(state, 'user'))
    app.post(path, write)
  }
  const api = apiRoutes(state)
  app.get('/api/spaces', api.list)
  app.get('/api/spaces/:name', api.one)

  app.notFound((c) => sendError(c, notFound))
  app.onError((error, c: Context) => {
    if (isCorrupt(error)) {
      // The index itself is damaged: the gateway stops (commands/damaged-index.ts) once this
      // answer is out.
      setImmediate(() => {
        throw error
      })
      return sendError(c, {
        status: 503,
        code: 'index_damaged',
        message: 'The index is damaged',
        hint: 'syncweb moves it aside and stops; started again, it builds a new one.',
      })
    }
    console.error(`syncweb: ${c.req.method} ${c.req.path} failed:`, error)
    return sendError(c, {
      status: 500,
      code: 'internal',
      message: 'Something went wrong',
      hint: 'The error is in the terminal where syncweb runs.',
    })
  })
  return { app, cachedFile: cachedFileResponder(cache, pages) }
}

const notFound = { status: 404, code: 'not_found', message: 'Nothing here' } as const

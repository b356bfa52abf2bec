import type { HttpBindings } from '@hono/node-server'
import { Hono, type Context } from 'hono'
import type { Config, SpaceSettings } from '../config/config.js'
import type { TimelineIndex } from '../index/index.js'
import { bodyLimit } from 'hono/body-limit'
import { apiRoutes } from './routes/api.js'
import { writeGuard } from './routes/guard.js'
import { postsRoute } from './routes/posts.js'
import { eventsRoute } from './routes/events.js'
import { normalizeName } from '../spaces/names.js'
import { gatewayAssets } from './routes/assets.js'
import { sendError } from './errors.js'
import { homePage } from './routes/home.js'
import { addresseeOf, spaceOrigin } from './server/host.js'
import { cachedFileResponder } from './server/fast-path.js'
import { PageCache } from './site/page-cache.js'
import { ResolveCache } from './site/resolve-cache.js'
import { spaceSite } from './site/site.js'
import { timelineRoutes } from './routes/timeline.js'

export type GatewayEnv = { Bindings: HttpBindings }

/** What the routes read. The server swaps `config` on reload; routes never read the file. */
export interface GatewayState {
  config: Config
  index: TimelineIndex
  /** Per launch: the gateway's own pages carry it, and state-changing requests must send it. */
  readonly token: string
}

const READ_METHODS = new Set(['GET', 'HEAD'])

/**
 * The gateway's routes. Requests addressed to `NAME.localhost` are the space's own from the
 * first path segment on; everything else is the gateway's (DESIGN.md "Routes").
 */
export function createApp(state: GatewayState) {
  const app = new Hono<GatewayEnv>()
  const cache = new ResolveCache(state.index)
  const pages = new PageCache()
  const serveSpace = spaceSite(state, cache, pages)
  const asset = gatewayAssets()
  const findSpace = (name: string | undefined): SpaceSettings | undefined =>
    name === undefined ? undefined : state.config.spaces.find((s) => s.name === name)
  const noSuchSpace = (c: Context, name: string) =>
    sendError(c, {
      status: 404,
      code: 'no_such_space',
      message: `No space named ${name}`,
      hint: `Follow a folder with: syncweb follow ${name} FOLDER`,
    })

  app.use('*', async function spaceOrigins(c, next) {
    const to = addresseeOf(c.env.incoming)
    if (to.kind !== 'space') return next()
    const space = findSpace(to.name)
    if (!space) return noSuchSpace(c, to.name)
    if (!READ_METHODS.has(c.req.method)) return methodNotAllowed(c)
    const { path, search } = splitTarget(c.env.incoming.url ?? '/')
    return serveSpace(c, { space, rawPath: path, search, port: to.port, onGatewayOrigin: false })
  })

  app.get('/_/*', (c) => asset(c) ?? sendError(c, notFound))
  app.get('/', homePage(state))
  const timeline = timelineRoutes(state)
  app.get('/timeline', timeline.page)
  app.get('/timeline.json', timeline.json)
  app.get('/timeline.xml', timeline.atom)
  app.get('/events', eventsRoute(state))
  // Limits are read once: they shape the server itself (its timeouts), so they apply at start.
  const { maxBodyBytes } = state.config.limits
  app.use(
    '/api/posts',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        sendError(c, {
          status: 413,
          code: 'too_large',
          message: `a post body is at most ${maxBodyBytes} bytes (limits.maxBodyBytes)`,
          json: true,
        }),
    }),
    writeGuard(state),
  )
  app.post('/api/posts', postsRoute(state))
  const api = apiRoutes(state)
  app.get('/api/spaces', api.list)
  app.get('/api/spaces/:name', api.one)

  // `/@NAME/PATH` is parsed from the raw request target, not from Hono's decoded path, so that
  // what the resolver sees is exactly what the client sent.
  function spaceUnderGateway(c: Context<GatewayEnv>) {
    const { path, search } = splitTarget(c.env.incoming.url ?? '/')
    const slash = path.indexOf('/', 1)
    const name = normalizeName(path.slice(2, slash === -1 ? undefined : slash))
    const space = findSpace(name)
    if (!space) return noSuchSpace(c, path.slice(2, slash === -1 ? undefined : slash))
    if (!READ_METHODS.has(c.req.method)) return methodNotAllowed(c)
    const { port } = addresseeOf(c.env.incoming)
    const rest = slash === -1 ? '' : path.slice(slash)
    const navigation = c.req.header('Sec-Fetch-Mode') === 'navigate'
    if (navigation && state.config.isolation === 'subdomain') {
      // A friend's page never runs in the gateway's origin: browsers go to NAME.localhost.
      return c.redirect(spaceOrigin(space.name, port) + (rest || '/') + search, 307)
    }
    if (slash === -1) return c.redirect(`/@${space.name}/${search}`, 302)
    return serveSpace(c, { space, rawPath: rest, search, port, onGatewayOrigin: true })
  }
  app.all('/:handle{@[A-Za-z0-9-]+}', spaceUnderGateway)
  app.all('/:handle{@[A-Za-z0-9-]+}/*', spaceUnderGateway)

  app.notFound((c) => sendError(c, notFound))
  app.onError((error, c) => {
    console.error(`syncweb: ${c.req.method} ${c.req.path} failed:`, error)
    return sendError(c, {
      status: 500,
      code: 'internal',
      message: 'Something went wrong',
      hint: 'The error is in the terminal where syncweb runs.',
    })
  })
  return { app, cachedFile: cachedFileResponder(state, cache, pages) }
}

const notFound = { status: 404, code: 'not_found', message: 'Nothing here' } as const

function methodNotAllowed(c: Context) {
  c.header('Allow', 'GET, HEAD')
  return sendError(c, {
    status: 405,
    code: 'method_not_allowed',
    message: 'Spaces are read-only',
  })
}

/** The raw path and query (with its `?`) of a request target. */
export function splitTarget(target: string): { path: string; search: string } {
  const q = target.indexOf('?')
  return q === -1
    ? { path: target, search: '' }
    : { path: target.slice(0, q), search: target.slice(q) }
}

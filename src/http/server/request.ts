import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { findSpace } from '../../config/config.js'
import { classifyHost, type Addressee } from './host.js'
import { routeOf, type Route } from './route.js'
import type { GatewayEnv, GatewayState } from './state.js'

/** Whom a request is for (its `Host`) and what it asks (its route), decided once. */
export interface Addressed {
  to: Addressee
  route: Route
}

const ADDRESSED = Symbol('syncweb.addressed')
type Tagged = IncomingMessage & { [ADDRESSED]?: Addressed }

function rulesOf(state: GatewayState) {
  return {
    isSpace: (name: string) => findSpace(state.config, name) !== undefined,
    allowedHosts: state.config.allowedHosts,
    isolation: state.config.isolation,
  }
}

/**
 * Decides a request on Node's side, before the fast path or Hono see it; undefined when its
 * `Host` is not one the gateway answers (DNS rebinding). The decision stays on the request.
 */
export function address(request: IncomingMessage, state: GatewayState): Addressed | undefined {
  const rules = rulesOf(state)
  const to = classifyHost(request.headers.host, rules)
  if (!to) return undefined
  const navigation = request.headers['sec-fetch-mode'] === 'navigate'
  const route = routeOf(request.method ?? 'GET', request.url ?? '/', to, navigation, rules)
  return ((request as Tagged)[ADDRESSED] = { to, route })
}

/**
 * The decision for a request in the app: the one the server made, or, for `app.request()`
 * (no Node request), the same decision from the Request itself.
 */
export function addressedOf(c: Context<GatewayEnv>, state: GatewayState): Addressed {
  const tagged = (c.env?.incoming as Tagged | undefined)?.[ADDRESSED]
  if (tagged) return tagged
  const url = new URL(c.req.url)
  const rules = rulesOf(state)
  const to = classifyHost(c.req.header('host') ?? url.host, rules) ?? { kind: 'gateway', port: '' }
  const navigation = c.req.header('sec-fetch-mode') === 'navigate'
  return { to, route: routeOf(c.req.method, url.pathname + url.search, to, navigation, rules) }
}

import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { findSpace, type Config } from '../../config/config.js'
import { classifyHost, type Addressee } from './host.js'
import { routeOf, type Route } from './route.js'
import type { GatewayEnv, GatewayState } from './state.js'

/** Whom a request is for (its `Host`) and what it asks (its route), decided once. */
export interface Addressed {
  to: Addressee
  route: Route
}

// Beside the request, not on it: a property of our own on Node's IncomingMessage gives it
// another shape, and Node's own code then reads requests through slower, megamorphic paths.
const decided = new WeakMap<IncomingMessage, Addressed>()

interface Rules {
  isSpace(name: string): boolean
  allowedHosts: readonly string[]
  isolation: Config['isolation']
  /** Host header → whom it names, for the hosts seen lately (a handful in practice). */
  hosts: Map<string, Addressee | undefined>
}

// Made once per configuration (a reload is a new one), not once per request.
const rulesByConfig = new WeakMap<Config, Rules>()

function rulesOf({ config }: GatewayState): Rules {
  let rules = rulesByConfig.get(config)
  if (!rules) {
    rules = {
      isSpace: (name) => findSpace(config, name) !== undefined,
      allowedHosts: config.allowedHosts,
      isolation: config.isolation,
      hosts: new Map(),
    }
    rulesByConfig.set(config, rules)
  }
  return rules
}

const MAX_HOSTS = 256

function addresseeOf(header: string | undefined, rules: Rules): Addressee | undefined {
  if (header === undefined) return undefined
  if (rules.hosts.has(header)) return rules.hosts.get(header)
  const to = classifyHost(header, rules)
  if (rules.hosts.size >= MAX_HOSTS) rules.hosts.clear()
  rules.hosts.set(header, to)
  return to
}

/**
 * Decides a request on Node's side, before the fast path or Hono see it; undefined when its
 * `Host` is not one the gateway answers (DNS rebinding).
 */
export function address(request: IncomingMessage, state: GatewayState): Addressed | undefined {
  const rules = rulesOf(state)
  const to = addresseeOf(request.headers.host, rules)
  if (!to) return undefined
  const navigation = request.headers['sec-fetch-mode'] === 'navigate'
  const route = routeOf(request.method ?? 'GET', request.url ?? '/', to, navigation, rules)
  return { to, route }
}

/** Keeps the decision for the app, which reads it back with addressedOf. */
export function remember(request: IncomingMessage, addressed: Addressed): void {
  decided.set(request, addressed)
}

/**
 * The decision for a request in the app: the one the server made, or, for `app.request()`
 * (no Node request), the same decision from the Request itself.
 */
export function addressedOf(c: Context<GatewayEnv>, state: GatewayState): Addressed {
  const tagged = c.env?.incoming && decided.get(c.env.incoming)
  if (tagged) return tagged
  const url = new URL(c.req.url)
  const rules = rulesOf(state)
  const to = addresseeOf(c.req.header('host') ?? url.host, rules) ?? { kind: 'gateway', port: '' }
  const navigation = c.req.header('sec-fetch-mode') === 'navigate'
  return { to, route: routeOf(c.req.method, url.pathname + url.search, to, navigation, rules) }
}

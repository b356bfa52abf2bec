import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { findSpace, type Config } from '../../config/config.js'
import { classifyHost, type Addressee } from './host.js'
import { routeOf, type Route } from './route.js'
import type { GatewayEnv, GatewayState } from './state.js'

/**
 * Whom a request is for (its `Host`), what it asks (its route) and who asks: the user, or
 * another device of the network (SECURITY.md "Who is trusted"), decided once.
 */
export interface Addressed {
  to: Addressee
  route: Route
  client: Client
}

/**
 * `user`: connected from a loopback address *and* naming a loopback host, both read from the
 * socket and the request line, never from headers such as `X-Forwarded-For`. Anyone else is a
 * `device`, which may read and, once paired, post; never change settings.
 */
export type Client = 'user' | 'device'

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.') || address === '::1'
}

function clientOf(to: Addressee, remoteAddress: string | undefined): Client {
  const loopbackHost = to.kind === 'space' || !to.remote
  return loopbackHost && isLoopbackAddress(remoteAddress) ? 'user' : 'device'
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
  return { to, route, client: clientOf(to, request.socket.remoteAddress) }
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
  // In-process (tests): no socket, the process itself asks; the Host still decides.
  const client = clientOf(to, '127.0.0.1')
  return {
    to,
    route: routeOf(c.req.method, url.pathname + url.search, to, navigation, rules),
    client,
  }
}

import type { Isolation } from '../../config/config.js'
import { normalizeName } from '../../spaces/names.js'
import { spaceOrigin, type Addressee } from './host.js'

/** What a request is, decided before anything is read: DESIGN.md "Routes" and "Origins". */
export type Route =
  /** A gateway route (`/`, `/timeline`, `/api/…`, `/_/…`). */
  | { kind: 'gateway' }
  /** A file of a space; `rawPath` as sent (percent-encoded), starting with `/`. */
  | { kind: 'space'; name: string; rawPath: string; search: string; onGatewayOrigin: boolean }
  | { kind: 'redirect'; status: 302 | 307; location: string }
  /** `name` as the client wrote it. */
  | { kind: 'no-such-space'; name: string }
  | { kind: 'read-only' }

export interface RouteRules {
  isolation: Isolation
  /** True when `name` (normalised) is a followed space. */
  isSpace(name: string): boolean
}

const AT = 0x40

/**
 * The one decision of what a request is, from its method, its raw target, whom its `Host`
 * names and whether a browser is navigating. The fast path and the app both call it, so that
 * the rule that keeps a friend's page out of the gateway's origin is written once: a browser
 * navigation to `/@NAME/…` goes to `NAME.localhost` (307), everything else under `/@NAME/` is
 * served sandboxed, and `NAME.localhost` serves only NAME, from the first path segment on.
 */
export function routeOf(
  method: string,
  target: string,
  to: Addressee,
  navigation: boolean,
  rules: RouteRules,
): Route {
  const q = target.indexOf('?')
  const path = q === -1 ? target : target.slice(0, q)
  const search = q === -1 ? '' : target.slice(q)
  if (to.kind === 'space') {
    if (!rules.isSpace(to.name)) return { kind: 'no-such-space', name: to.name }
    if (method !== 'GET' && method !== 'HEAD') return { kind: 'read-only' }
    return { kind: 'space', name: to.name, rawPath: path, search, onGatewayOrigin: false }
  }
  if (path.charCodeAt(1) !== AT) return { kind: 'gateway' }
  const slash = path.indexOf('/', 2)
  const written = path.slice(2, slash === -1 ? undefined : slash)
  const name = normalizeName(written)
  if (!name || !rules.isSpace(name)) return { kind: 'no-such-space', name: written }
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'read-only' }
  const rest = slash === -1 ? '' : path.slice(slash)
  // NAME.localhost is this machine's name for it: another device of the network reaching the
  // gateway by an `allowedHosts` name browses spaces sandboxed under /@NAME/ instead.
  if (navigation && rules.isolation === 'subdomain' && !(to.kind === 'gateway' && to.remote)) {
    // A friend's page never runs in the gateway's origin: browsers go to NAME.localhost.
    return {
      kind: 'redirect',
      status: 307,
      location: spaceOrigin(name, to.port) + (rest || '/') + search,
    }
  }
  if (slash === -1) return { kind: 'redirect', status: 302, location: `/@${name}/${search}` }
  return { kind: 'space', name, rawPath: rest, search, onGatewayOrigin: true }
}

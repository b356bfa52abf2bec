import { timingSafeEqual } from 'node:crypto'
import type { Context, Next } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Device } from '../../state/devices.js'
import { addressedOf } from '../server/request.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { sendError } from '../errors.js'

/** The cookie a paired device holds: `ID.SECRET` (state/devices.ts). */
export const DEVICE_COOKIE = 'syncweb_device'

/** The paired device a request comes from, if it is one (never the user on this machine). */
export function pairedDevice(c: Context<GatewayEnv>, state: GatewayState): Device | undefined {
  if (addressedOf(c, state).client !== 'device') return undefined
  return state.devices.verify(getCookie(c, DEVICE_COOKIE))
}

/** Who may write from this request's pages: the user, a paired device, or nobody. */
export function writerOf(
  c: Context<GatewayEnv>,
  state: GatewayState,
): 'user' | 'paired' | undefined {
  if (addressedOf(c, state).client === 'user') return 'user'
  return pairedDevice(c, state) ? 'paired' : undefined
}

export const PAIR_HINT =
  'this device can only read; to post from it, run `syncweb pair` on the computer that runs syncweb and open /pair here'

/**
 * The rule for every route that changes state (DESIGN.md "Origins"): a POST, with a JSON body,
 * from the gateway's own origin, carrying the per-launch token that only the gateway's own pages
 * hold. Hono's csrf() checks form content types only, so a JSON POST would pass it; this is ours.
 * A space's pages run on NAME.localhost or sandboxed (Origin: null): both are refused.
 *
 * Who may: `user`, the user on this machine only (settings, mutes, pairing); `paired`, also a
 * paired device of the network, by its cookie instead of the token (posts, replies, read marks).
 */
export function writeGuard(state: GatewayState, who: 'user' | 'paired' = 'user') {
  return async function guard(c: Context<GatewayEnv>, next: Next) {
    const refused = writeRefusal(c, state, who)
    if (!refused) return next()
    if (refused.status === 405) c.header('Allow', 'POST')
    return sendError(c, { ...refused, json: true })
  }
}

export interface Refusal {
  status: 403 | 405 | 415
  code: string
  message: string
}

/**
 * Why writeGuard refuses a request, from its method and headers alone (never its body), or
 * undefined when it may write. app.ts also asks before reading a body: only a request that may
 * write gets the room of an image (a refused one is held to maxBodyBytes, like any other write).
 */
export function writeRefusal(
  c: Context<GatewayEnv>,
  state: GatewayState,
  who: 'user' | 'paired',
): Refusal | undefined {
  const refuse = (message: string): Refusal => ({ status: 403, code: 'forbidden', message })
  if (c.req.method !== 'POST')
    return { status: 405, code: 'method_not_allowed', message: 'use POST' }
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? ''))
    return {
      status: 415,
      code: 'unsupported_media_type',
      message: 'send a JSON body with Content-Type: application/json',
    }
  const origin = c.req.header('origin')
  const site = c.req.header('sec-fetch-site')
  const own = `http://${c.req.header('host')}`
  if (origin !== undefined && origin !== own)
    return refuse(`requests from ${origin} may not change anything here`)
  if (site !== undefined && site !== 'same-origin')
    return refuse('only the gateway’s own pages may post')
  if (origin === undefined && site === undefined)
    return refuse(
      'the request says neither its Origin nor Sec-Fetch-Site; use the gateway’s own page',
    )
  if (addressedOf(c, state).client === 'device') {
    if (who === 'user')
      return refuse('only the computer that runs syncweb may change this, not another device')
    return pairedDevice(c, state) ? undefined : refuse(PAIR_HINT)
  }
  const token = c.req.header('x-syncweb-token') ?? ''
  return sameSecret(token, state.token)
    ? undefined
    : refuse('missing or wrong X-Syncweb-Token; reload the page')
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * A full-text query (`q=` on search, the timeline, its feeds and /events) costs the server up to
 * a second at a million items when it holds a phrase of common words: no page may make the
 * browser ask for one unseen. So one asked for as an image, a script, a frame… (an `<img>` in a
 * friend's status, shown on the timeline), or by another site's script or a navigation it made,
 * is refused; a person's navigation, the gateway's own pages and tools that send no Sec-Fetch
 * headers are answered.
 */
export async function queryGuard(c: Context<GatewayEnv>, next: Next) {
  if (c.req.query('q') === undefined) return next()
  const dest = c.req.header('sec-fetch-dest')
  const site = c.req.header('sec-fetch-site')
  // A person's own navigation: a script's (location.replace, a popup it steers) has no
  // Sec-Fetch-User.
  const navigation =
    c.req.header('sec-fetch-mode') === 'navigate' &&
    dest === 'document' &&
    c.req.header('sec-fetch-user') === '?1'
  const embedded = dest !== undefined && dest !== 'document' && dest !== 'empty'
  const foreign = (site === 'cross-site' || site === 'same-site') && !navigation
  if (!embedded && !foreign) return next()
  return sendError(c, {
    status: 403,
    code: 'forbidden',
    message: embedded
      ? `a search is not a resource for a page to load (Sec-Fetch-Dest: ${dest})`
      : 'another site’s page may not run searches here; open the gateway’s own /search',
    json: c.req.path.startsWith('/api/') || c.req.path.endsWith('.json'),
  })
}

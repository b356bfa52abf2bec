import { timingSafeEqual } from 'node:crypto'
import type { Context, Next } from 'hono'
import type { GatewayState } from '../server/state.js'
import { sendError } from '../errors.js'

/**
 * The rule for every route that changes state (DESIGN.md "Origins"): a POST, with a JSON body,
 * from the gateway's own origin, carrying the per-launch token that only the gateway's own pages
 * hold. Hono's csrf() checks form content types only, so a JSON POST would pass it; this is ours.
 * A space's pages run on NAME.localhost or sandboxed (Origin: null): both are refused.
 */
export function writeGuard(state: GatewayState) {
  return async function guard(c: Context, next: Next) {
    const refuse = (message: string) =>
      sendError(c, { status: 403, code: 'forbidden', message, json: true })
    if (c.req.method !== 'POST') {
      c.header('Allow', 'POST')
      return sendError(c, {
        status: 405,
        code: 'method_not_allowed',
        message: 'use POST',
        json: true,
      })
    }
    if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
      return sendError(c, {
        status: 415,
        code: 'unsupported_media_type',
        message: 'send a JSON body with Content-Type: application/json',
        json: true,
      })
    }
    const origin = c.req.header('origin')
    const site = c.req.header('sec-fetch-site')
    const own = `http://${c.req.header('host')}`
    if (origin !== undefined && origin !== own)
      return refuse(`requests from ${origin} may not change anything here`)
    if (site !== undefined && site !== 'same-origin')
      return refuse('only the gateway’s own pages may post')
    if (origin === undefined && site === undefined) {
      return refuse(
        'the request says neither its Origin nor Sec-Fetch-Site; use the gateway’s own page',
      )
    }
    const token = c.req.header('x-syncweb-token') ?? ''
    if (!sameSecret(token, state.token))
      return refuse('missing or wrong X-Syncweb-Token; reload the page')
    return next()
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

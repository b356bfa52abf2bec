import type { Context } from 'hono'
import { accepts } from 'hono/accepts'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { renderPage } from '../render/templates.js'
import { GATEWAY_HEADERS } from './headers.js'

export interface ErrorInfo {
  status: ContentfulStatusCode
  /** Stable machine-readable code, e.g. `not_found`. */
  code: string
  message: string
  /** What the user can do next. */
  hint?: string
  /** Answer in JSON whatever the client accepts (feeds and APIs). */
  json?: boolean
}

export function prefersJson(c: Context): boolean {
  const type = accepts(c, {
    header: 'Accept',
    supports: ['text/html', 'application/json'],
    default: 'text/html',
  })
  return type === 'application/json'
}

/**
 * The one error shape (serve-handler's `sendError`): JSON `{error: {code, message}}` for clients
 * that ask for JSON, else the gateway's error page. `gateway` is the gateway's origin for pages
 * shown on a space's origin ('' on the gateway's own), `headers` the origin's security headers.
 */
export function sendError(
  c: Context,
  info: ErrorInfo,
  gateway = '',
  headers: Readonly<Record<string, string>> = GATEWAY_HEADERS,
): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value)
  c.header('Cache-Control', 'no-cache')
  if (info.json || prefersJson(c)) {
    return c.json({ error: { code: info.code, message: info.message } }, info.status)
  }
  if (c.req.path.endsWith('.xml')) {
    return c.text(`${info.message}${info.hint ? ` (${info.hint})` : ''}\n`, info.status)
  }
  const html = renderPage('error', { title: info.message, gateway, ...info })
  return c.html(html, info.status)
}

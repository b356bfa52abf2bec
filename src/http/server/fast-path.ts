import type { IncomingMessage, ServerResponse } from 'node:http'
import { spaceHeaders } from '../headers.js'
import { pagePlace, type PageCache } from '../site/page-cache.js'
import type { ResolveCache } from '../site/resolve-cache.js'
import { cannedHeaders, writeCanned } from '../site/send-buffer.js'
import { streamFile } from '../site/send-file.js'
import { gatewayOrigin } from './host.js'
import type { Addressed } from './request.js'

/**
 * sirv's speed for what is asked most often, answered on Node's response before Hono builds a
 * Request for it: a small file of a space that the resolve cache already holds (bytes,
 * validators and type), a rendered page the page cache holds, and a larger file the resolve
 * cache knows, streamed through the contained opener (a Request and its AbortSignal per 1 MB
 * response cost as much as the response). It serves only what the one route decision already
 * said is a space file; anything else (a miss, HEAD, a query on a Markdown page) returns false
 * and goes to the app, which fills the caches. `app` answers a file that is gone meanwhile.
 */
export function cachedFileResponder(cache: ResolveCache, pages: PageCache) {
  const onGateway = spaceHeaders(true)
  const onSpace = spaceHeaders(false)
  return function cachedFile(
    request: IncomingMessage,
    response: ServerResponse,
    { to, route }: Addressed,
    app: () => void,
  ): boolean {
    if (route.kind !== 'space' || request.method !== 'GET') return false
    const hit = cache.get(route.name, route.rawPath)
    if (!hit) return false
    const headers = route.onGatewayOrigin ? onGateway : onSpace
    const { body, validators, type, resolution } = hit
    if (resolution.kind === 'file' && type && (!body || request.headers.range !== undefined)) {
      void streamFile(request, response, resolution, { contentType: type, headers }, app)
      return true
    }
    if (request.headers.range !== undefined) return false
    if (body && validators && type) {
      const canned = (hit.canned ??= {})
      const origin = route.onGatewayOrigin ? 'gateway' : 'space'
      const made = (canned[origin] ??= cannedHeaders(body, validators, {
        contentType: type,
        headers,
      }))
      writeCanned(request, response, body, validators, made)
      return true
    }
    if (route.search || resolution.kind !== 'file' || !resolution.markdown) return false
    const place = route.onGatewayOrigin
      ? pagePlace('', `/@${route.name}`)
      : pagePlace(gatewayOrigin(to.port), '')
    const page = pages.get(resolution.stats, place)
    if (!page) return false
    page.canned ??= cannedHeaders(page.body, page.validators, {
      contentType: 'text/html; charset=utf-8',
      headers,
      ranges: false,
    })
    writeCanned(request, response, page.body, page.validators, page.canned)
    return true
  }
}

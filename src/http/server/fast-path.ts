import type { IncomingMessage, ServerResponse } from 'node:http'
import { normalizeName } from '../../spaces/names.js'
import type { GatewayState } from '../app.js'
import { spaceHeaders } from '../headers.js'
import { gatewayOrigin, type Addressee } from './host.js'
import { pagePlace, type PageCache } from '../site/page-cache.js'
import type { ResolveCache } from '../site/resolve-cache.js'
import { writeBuffer } from '../site/send-file.js'

const AT = 0x40

/**
 * sirv's speed for what is asked most often: a small file of a space that the resolve cache
 * already holds (bytes, validators and type), answered on Node's response before Hono builds a
 * Request for it. Anything else (a miss, a range, HEAD, Markdown, a browser navigation that the
 * app redirects to the space's origin) returns false and goes to the app, which fills the cache.
 */
export function cachedFileResponder(state: GatewayState, cache: ResolveCache, pages: PageCache) {
  const onGateway = spaceHeaders(true)
  const onSpace = spaceHeaders(false)
  return function cachedFile(
    request: IncomingMessage,
    response: ServerResponse,
    to: Addressee,
  ): boolean {
    if (request.method !== 'GET' || request.headers.range !== undefined) return false
    const url = request.url!
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    let name: string | undefined
    let rawPath: string
    if (to.kind === 'space') {
      name = to.name
      rawPath = path
    } else {
      const slash = path.indexOf('/', 2)
      if (path.charCodeAt(1) !== AT || slash === -1) return false
      const navigation = request.headers['sec-fetch-mode'] === 'navigate'
      if (navigation && state.config.isolation === 'subdomain') return false
      name = normalizeName(path.slice(2, slash))
      rawPath = path.slice(slash)
    }
    const hit = name === undefined ? undefined : cache.get(name, rawPath)
    if (!hit) return false
    const headers = to.kind === 'space' ? onSpace : onGateway
    if (hit.body && hit.validators && hit.type) {
      writeBuffer(request, response, hit.body, hit.validators, { contentType: hit.type, headers })
      return true
    }
    // A rendered Markdown page, from the one page cache; any query (?raw) is the app's.
    const { resolution } = hit
    if (q !== -1 || resolution.kind !== 'file' || !resolution.markdown) return false
    const place =
      to.kind === 'space' ? pagePlace(gatewayOrigin(to.port), '') : pagePlace('', `/@${name}`)
    const page = pages.get(resolution.stats, place)
    if (!page) return false
    writeBuffer(request, response, page.body, page.validators, {
      contentType: 'text/html; charset=utf-8',
      headers,
      ranges: false,
    })
    return true
  }
}

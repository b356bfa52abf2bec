import type { Context } from 'hono'
import { BoundedCache } from '../../cache.js'
import { encodeCursor } from '../../index/query.js'
import type { TimelineParams } from '../../timeline/params.js'
import type { GatewayState } from '../server/state.js'

/**
 * Answers of the timeline routes, by what they depend on. Feeds are polled: the same URL is
 * answered from memory until an item changes, the user reads something, the config changes or
 * a minute passes (items dated ahead appear with time, relative times move).
 * - Kept as bytes: re-encoding a 50-item feed (~60 KB) to UTF-8 on every request cost more
 *   than building it.
 * - The promise is cached, not only the bytes: 50 clients asking at once while the first build
 *   runs wait for that one build instead of each starting their own, which held
 *   /timeline.json's p99 at ~150 ms for the first seconds.
 * - Keyed on the parsed parameters, never on the raw URL: any `?x=N` a page adds would
 *   otherwise be a new entry (70 of them took RSS from 0.6 to 7.3 GB); bounded by bytes.
 */
export function responseCache(state: GatewayState) {
  const cache = new BoundedCache<string, Uint8Array<ArrayBuffer>>(
    64 * 1024 * 1024,
    (body) => body.byteLength,
  )
  const building = new Map<string, Promise<Uint8Array<ArrayBuffer>>>()
  const configs = new WeakMap<object, number>()
  let configCount = 0
  const encoder = new TextEncoder()
  return function cached(
    c: Context,
    route: string,
    { query, keep }: TimelineParams,
    make: () => Promise<string>,
  ): Promise<Uint8Array<ArrayBuffer>> {
    if (!configs.has(state.config)) configs.set(state.config, ++configCount)
    const before = query.before ? encodeCursor(query.before) : ''
    const key = [
      route,
      state.index.store.version,
      state.read.version,
      Math.floor(Date.now() / 60_000),
      configs.get(state.config),
      c.req.header('host'),
      keep,
      before,
    ].join('|')
    const done = cache.get(key)
    if (done) return Promise.resolve(done)
    let body = building.get(key)
    if (body === undefined) {
      body = make().then((text) => {
        const bytes = encoder.encode(text)
        cache.set(key, bytes)
        return bytes
      })
      building.set(key, body)
      void body.finally(() => building.delete(key)).catch(() => {})
    }
    return body
  }
}

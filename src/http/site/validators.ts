import etag from 'etag'
import fresh from 'fresh'
import type { Stats } from 'node:fs'
import type { IncomingMessage } from 'node:http'

/** Strong enough for revalidation, free to compute: size and mtime (jshttp/etag on Stats). */
export function fileValidators(stats: Stats): { etag: string; lastModified: string } {
  return { etag: etag(stats), lastModified: stats.mtime.toUTCString() }
}

/** RFC 9110 §13.1: If-None-Match wins over If-Modified-Since; only GET and HEAD are cached. */
export function isFresh(
  request: IncomingMessage,
  etagValue: string,
  lastModified: string,
): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  // The common revalidation, a browser sending back the very ETag, without parsing.
  const { 'if-none-match': tag, 'cache-control': cacheControl } = request.headers
  if (tag === etagValue && cacheControl === undefined) return true
  return fresh(request.headers, { etag: etagValue, 'last-modified': lastModified })
}

/**
 * A 304 carries what RFC 9110 §15.4.5 asks of it (ETag, Cache-Control) and nothing else: the
 * browser keeps the rest from the 200 it revalidates.
 */
export function notModified(etag: string): Record<string, string> {
  return { ETag: etag, 'Cache-Control': 'no-cache' }
}

export function stringHeaders(headers: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]))
}

import etag from 'etag'
import fresh from 'fresh'
import type { Stats } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import parseRange from 'range-parser'
import { closeSync, createReadStream } from 'node:fs'
import { openInSpaceSync, readInSpace } from '../../spaces/open.js'

export interface SendFileOptions {
  contentType: string
  /** False for bodies that are not bytes of a file (rendered pages): no Accept-Ranges. */
  ranges?: boolean
  /** Extra headers (CSP, nosniff) for this origin. */
  headers: Readonly<Record<string, string>>
  /** A status other than 200 (the space's own 404.html) turns off validators and ranges. */
  status?: number
}

/** A file of a space: its path, and the real root it must prove to lie in once opened. */
export interface SpaceFile {
  realRoot: string
  file: string
}

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
 * Streams a file to Node's response with validators, 304s and single ranges (RFC 9110 §14).
 * The file is opened through the space's contained opener and described by fstat of that very
 * descriptor, so the bytes are the space's own and the headers match them even when a sync tool
 * (or a friend racing a symlink) replaces the file meanwhile.
 *
 * The open is synchronous (O_PATH, fstat, readlink, reopen: a few microseconds on a local disk):
 * five trips through the thread pool cost a 1 MB response a fifth of its throughput.
 *
 * A body is piped straight into Node's response (Web streams copy every chunk on Node 20) and
 * RESPONSE_ALREADY_SENT returned; answers without a body (HEAD, 304, 416) are plain Responses,
 * because Hono answers HEAD by running GET and re-wrapping its Response. Returns undefined,
 * having sent nothing, when the file is gone, not a regular file or not inside the space by the
 * time it is opened.
 */
export async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  target: SpaceFile,
  options: SendFileOptions,
): Promise<Response | undefined> {
  const opened = openInSpaceSync(target.realRoot, target.file)
  if (!opened) return undefined
  const { fd, stats } = opened
  let streaming = false
  try {
    const status = options.status ?? 200
    const headers: Record<string, string | number> = {
      ...options.headers,
      'Content-Type': options.contentType,
      'Cache-Control': 'no-cache',
    }
    let start = 0
    let end = stats.size - 1
    let code = status

    if (status === 200) {
      const validators = fileValidators(stats)
      headers['ETag'] = validators.etag
      headers['Last-Modified'] = validators.lastModified
      headers['Accept-Ranges'] = 'bytes'
      if (isFresh(request, validators.etag, validators.lastModified)) {
        return new Response(null, { status: 304, headers: notModified(validators.etag) })
      }
      const range = request.headers.range
      if (range && request.method === 'GET' && ifRangeHolds(request, validators)) {
        const ranges = parseRange(stats.size, range, { combine: true })
        if (ranges === -1) {
          headers['Content-Range'] = `bytes */${stats.size}`
          headers['Content-Type'] = 'text/plain; charset=utf-8'
          return new Response('Range Not Satisfiable\n', {
            status: 416,
            headers: stringHeaders(headers),
          })
        }
        // -2 (malformed) and several ranges are answered with the whole file, as RFC 9110
        // §14.2 allows: multipart/byteranges buys little for a gateway of personal sites.
        if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
          start = ranges[0]!.start
          end = ranges[0]!.end
          code = 206
          headers['Content-Range'] = `bytes ${start}-${end}/${stats.size}`
        }
      }
    }

    headers['Content-Length'] = Math.max(0, end - start + 1)
    if (request.method === 'HEAD' || stats.size === 0) {
      return new Response(null, { status: code, headers: stringHeaders(headers) })
    }
    response.writeHead(code, headers)
    streaming = true
    // pipeline destroys the read stream (and closes the descriptor) when the client goes away.
    // 256 KB reads: a quarter of the syscalls and chunks of the 64 KB default for big files.
    const length = end - start + 1
    const stream = createReadStream('', { fd, start, end, highWaterMark: 256 * 1024 })
    const socket = response.socket
    pipeline(stream, response, () => {
      // The file shrank while it was sent: close the connection (the response has let go of it
      // by now), so that the client sees the download cut short at once rather than waiting
      // for bytes that never come until the keep-alive timeout.
      if (stream.bytesRead < length) socket?.destroy()
    })
    return RESPONSE_ALREADY_SENT
  } finally {
    if (!streaming) closeSync(fd)
  }
}

function stringHeaders(headers: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]))
}

function ifRangeHolds(
  request: IncomingMessage,
  validators: { etag: string; lastModified: string },
): boolean {
  const ifRange = request.headers['if-range']
  if (typeof ifRange !== 'string') return true
  // A weak ETag never matches If-Range (RFC 9110 §13.1.5); ours are weak, so a date is needed.
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return false
  const since = Date.parse(ifRange)
  return !isNaN(since) && Math.floor(Date.parse(validators.lastModified) / 1000) <= since / 1000
}

/** Files up to this size are kept in memory by the resolve cache. */
export const SMALL_FILE_BYTES = 64 * 1024

/** A file of a space, read through the contained opener (at most `maxBytes`). */
export function readSpaceFile(target: SpaceFile, maxBytes = SMALL_FILE_BYTES) {
  return readInSpace(target.realRoot, target.file, maxBytes)
}

/** The headers of a body kept in memory, for its 200 and its 304, computed once. */
export interface CannedHeaders {
  ok: Readonly<Record<string, string | number>>
  notModified: Readonly<Record<string, string>>
}

export function cannedHeaders(
  body: Uint8Array,
  { etag: tag, lastModified }: { etag: string; lastModified: string },
  options: SendFileOptions,
): CannedHeaders {
  return {
    ok: {
      ...options.headers,
      'Content-Type': options.contentType,
      'Cache-Control': 'no-cache',
      ETag: tag,
      'Last-Modified': lastModified,
      ...(options.ranges === false ? {} : { 'Accept-Ranges': 'bytes' }),
      'Content-Length': body.byteLength,
    },
    notModified: notModified(tag),
  }
}

/**
 * A 304 carries what RFC 9110 §15.4.5 asks of it (ETag, Cache-Control) and nothing else: the
 * browser keeps the rest from the 200 it revalidates.
 */
export function notModified(etag: string): Record<string, string> {
  return { ETag: etag, 'Cache-Control': 'no-cache' }
}

/**
 * Answers a whole small file from memory: validators, 304 and HEAD as sendFile does. Ranges
 * go through sendFile (they are rare on small files).
 */
export function sendBuffer(
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
  validators: { etag: string; lastModified: string },
  options: SendFileOptions,
): Response {
  const canned = cannedHeaders(body, validators, options)
  if (request.method !== 'HEAD') {
    writeCanned(request, response, body, validators, canned)
    return RESPONSE_ALREADY_SENT
  }
  if (isFresh(request, validators.etag, validators.lastModified)) {
    return new Response(null, { status: 304, headers: canned.notModified })
  }
  return new Response(null, { status: 200, headers: stringHeaders(canned.ok) })
}

/** A body from memory, or its 304, written straight to Node's response (GET). */
export function writeCanned(
  request: IncomingMessage,
  response: ServerResponse,
  body: Uint8Array,
  validators: { etag: string; lastModified: string },
  canned: CannedHeaders,
): void {
  if (isFresh(request, validators.etag, validators.lastModified)) {
    response.writeHead(304, canned.notModified).end()
  } else {
    response.writeHead(200, canned.ok).end(body)
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { SendFileOptions } from './send-file.js'
import { isFresh, notModified, stringHeaders } from './validators.js'

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

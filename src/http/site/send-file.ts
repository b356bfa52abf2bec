import type { Stats } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { fileValidators, isFresh, notModified, stringHeaders } from './validators.js'
import parseRange from 'range-parser'
import { closeSync, createReadStream } from 'node:fs'
import { openInSpaceSync } from '../../spaces/open.js'
import { readInSpace } from '../../spaces/read.js'

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

/**
 * sendFile for the fast path, which has no Hono to turn a Response into bytes: the answers
 * without a body (304, HEAD, 416) are written here; a file gone meanwhile goes to `gone` (the
 * app, which answers with the space's 404 page); a failure is a 500 and a line in the log, as
 * the app's onError would give.
 */
export async function streamFile(
  request: IncomingMessage,
  response: ServerResponse,
  target: SpaceFile,
  options: SendFileOptions,
  gone: () => void,
): Promise<void> {
  try {
    const sent = await sendFile(request, response, target, options)
    if (sent === undefined) return gone()
    if (sent !== RESPONSE_ALREADY_SENT) {
      sent.headers.forEach((value, name) => response.setHeader(name, value))
      response.writeHead(sent.status)
      response.end(Buffer.from(await sent.arrayBuffer()))
    }
  } catch (error) {
    console.error(`syncweb: ${request.method} ${request.url} failed:`, error)
    if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' })
    response.end('Something went wrong; the error is in the terminal where syncweb runs.\n')
  }
}

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Context } from 'hono'
import { contentType } from 'mime-types'

const ASSETS = fileURLToPath(new URL('../../../assets/', import.meta.url))

interface Asset {
  body: Buffer
  type: string
  etag: string
}

/**
 * The gateway's own CSS and scripts, read once at start and served from memory (sirv's
 * "compute once"). `@hono/node-server`'s serveStatic resolves its root against the working
 * directory, which is wrong for an installed CLI.
 */
export function gatewayAssets() {
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(ASSETS)) {
    const body = readFileSync(join(ASSETS, name))
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16)
    const type = contentType(name) || 'application/octet-stream'
    assets.set(name, { body, type, etag: `"${hash}"` })
  }
  return function asset(c: Context): Response | undefined {
    const found = assets.get(c.req.path.slice('/_/'.length))
    if (!found) return undefined
    const headers = {
      'Content-Type': found.type,
      ETag: found.etag,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      // Pages on a space's origin load these; fonts and scripts need CORS, CSS does not.
      'Access-Control-Allow-Origin': '*',
    }
    if (c.req.header('If-None-Match') === found.etag) return c.body(null, 304, headers)
    return c.body(new Uint8Array(found.body), 200, headers)
  }
}

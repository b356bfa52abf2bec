import type { Context } from 'hono'
import { contentType } from 'mime-types'
import { basename, join } from 'node:path'
import type { SpaceSettings } from '../../config/config.js'
import { listFolder, type ListingEntry } from '../../spaces/listing.js'
import { formatDateTime, formatSize } from '../../render/format.js'
import { renderPage } from '../../render/templates.js'
import { statInSpace } from '../../spaces/open.js'
import { decodeSegments, resolveInSpace } from '../../spaces/resolve.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { prefersJson, sendError } from '../errors.js'
import { spaceHeaders } from '../headers.js'
import { gatewayOrigin } from '../server/host.js'
import { MAX_MARKDOWN_BYTES, markdownRenderer, postView } from './markdown-page.js'
import { markdownValidators, pagePlace, type PageCache } from './page-cache.js'
import type { CachedFile, ResolveCache } from './resolve-cache.js'
import { sendBuffer } from './send-buffer.js'
import { readSpaceFile, sendFile, SMALL_FILE_BYTES } from './send-file.js'
import { fileValidators, isFresh, notModified } from './validators.js'

/** Where a space request came in: under `/@NAME/` on the gateway, or on `NAME.localhost`. */
export interface SpaceRequest {
  space: SpaceSettings
  /** The path inside the space, raw (percent-encoded), starting with `/`. */
  rawPath: string
  /** The raw query, with its `?`, or ''. */
  search: string
  port: string
  onGatewayOrigin: boolean
}

/** Answers requests for a space's files: the route of DESIGN.md "Resolving a space path". */
export function spaceSite(state: GatewayState, cache: ResolveCache, pages: PageCache) {
  const renderMarkdown = markdownRenderer(pages, state.index.pool)
  const encoder = new TextEncoder()

  /** What rawPath is in the space: from the cache while the space's watcher vouches for it. */
  async function resolve(space: SpaceSettings, rawPath: string): Promise<CachedFile> {
    const hit = cache.get(space.name, rawPath)
    if (hit) return hit
    const generation = cache.generation(space.name)
    let resolution = await resolveInSpace(space.root, rawPath)
    let body: Buffer | undefined
    if (resolution.kind === 'file' && resolution.stats.size <= SMALL_FILE_BYTES) {
      const small = await readSpaceFile(resolution)
      if (small) {
        body = small.body
        resolution = { ...resolution, stats: small.stats }
      }
    }
    // A big folder takes a while to list: the listing is kept with the resolution.
    const listing =
      resolution.kind === 'listing'
        ? await listFolder(resolution.realRoot, resolution.dir)
        : undefined
    const found: CachedFile = {
      resolution,
      ...(listing ? { listing } : {}),
      ...(resolution.kind === 'file' && !resolution.markdown
        ? { type: typeOf(resolution.file) }
        : {}),
      ...(body && resolution.kind === 'file'
        ? { body, validators: fileValidators(resolution.stats) }
        : {}),
    }
    if (resolution.kind !== 'offline') cache.set(space.name, rawPath, found, generation)
    return found
  }

  return async function serveSpace(c: Context<GatewayEnv>, req: SpaceRequest): Promise<Response> {
    const { space, rawPath, search, port, onGatewayOrigin } = req
    // Files are streamed on Node's response: a space is served behind @hono/node-server only.
    const { incoming, outgoing } = c.env ?? {}
    if (!incoming || !outgoing) throw new Error('space files are served on a Node socket only')
    const headers = spaceHeaders(onGatewayOrigin)
    const gateway = onGatewayOrigin ? '' : gatewayOrigin(port)
    const base = onGatewayOrigin ? `/@${space.name}` : ''
    const view = { gateway, space: space.name, spaceTitle: space.title ?? space.name, base }
    const fail = (status: 404 | 503, message: string, hint?: string, code?: string) =>
      sendError(
        c,
        { status, code: code ?? (status === 404 ? 'not_found' : 'offline'), message, hint },
        gateway,
        headers,
      )
    const notHere = () =>
      fail(404, 'Nothing here', `${space.name} has no page at ${safeDecode(rawPath)}.`)

    const hit = await resolve(space, rawPath)
    const { resolution, body, validators: known, type: knownType } = hit
    switch (resolution.kind) {
      case 'offline':
        return fail(
          503,
          `The folder of ${space.name} ${resolution.problem}`,
          `syncweb expects it at ${space.root}; the space comes back by itself when the folder does.`,
        )
      case 'redirect':
        // Always a path on this host: rawPath has no `//` and no `\`, so no other host can sneak in.
        return c.redirect(base + resolution.path + search, 302)
      case 'listing': {
        if (!hit.listing) return notHere()
        const { entries, total } = hit.listing
        for (const [name, value] of Object.entries(headers)) c.header(name, value)
        // JSON clients keep getting an array; this says when it is not the whole folder.
        if (total > entries.length) c.header('X-Syncweb-Listing-Total', String(total))
        c.header('Cache-Control', 'no-cache')
        if (prefersJson(c)) return c.json(entries)
        return c.html(renderPage('listing', { ...view, ...listingView(rawPath, entries), total }))
      }
      case 'miss': {
        const { realRoot } = resolution
        const own = realRoot && (await statInSpace(realRoot, join(realRoot, '404.html')))
        if (realRoot && own && own.stats.isFile()) {
          const options = { status: 404, contentType: 'text/html; charset=utf-8', headers }
          const sent = await sendFile(incoming, outgoing, { realRoot, file: own.real }, options)
          if (sent) return sent
        }
        return notHere()
      }
      case 'file': {
        const { file, stats } = resolution
        const raw = new URLSearchParams(search).has('raw')
        if (resolution.markdown && !raw && stats.size <= MAX_MARKDOWN_BYTES) {
          const validators = markdownValidators(stats)
          const pageHeaders = {
            ...headers,
            ETag: validators.etag,
            'Last-Modified': validators.lastModified,
            'Cache-Control': 'no-cache',
          }
          if (isFresh(incoming, validators.etag, validators.lastModified))
            return c.body(null, 304, notModified(validators.etag))
          const place = pagePlace(gateway, base)
          let page = pages.get(stats, place)
          if (!page) {
            const rendered = await renderMarkdown(resolution, stats)
            if (rendered === undefined) return notHere()
            if (rendered instanceof Error) {
              return fail(
                503,
                'This page could not be rendered',
                `Rendering ${safeDecode(rawPath)} was stopped because ${rendered.message}; add ?raw to the address to read its Markdown source.`,
                'too_slow',
              )
            }
            const post = postView(file, rendered)
            const html = renderPage('post', { ...view, ...post, title: post.title })
            page = { body: encoder.encode(html), validators }
            // The fast path answers the next request for this page from here.
            pages.set(stats, place, page)
          }
          return c.body(page.body as Uint8Array<ArrayBuffer>, 200, {
            ...pageHeaders,
            'Content-Type': 'text/html; charset=utf-8',
          })
        }
        const type =
          knownType ?? (resolution.markdown ? 'text/markdown; charset=utf-8' : typeOf(file))
        if (body && known && !incoming.headers.range) {
          return sendBuffer(incoming, outgoing, body, known, {
            contentType: type,
            headers,
          })
        }
        const sent = await sendFile(incoming, outgoing, resolution, {
          contentType: type,
          headers,
        })
        return sent ?? notHere()
      }
    }
  }
}

function listingView(rawPath: string, entries: ListingEntry[]) {
  const names = decodeSegments(rawPath)?.filter(Boolean) ?? []
  const crumbs = names.map((name, i) => ({
    name,
    href: '../'.repeat(names.length - i - 1) || './',
  }))
  return {
    title: names.length ? names.join('/') + '/' : 'Files',
    crumbs,
    rootHref: '../'.repeat(names.length) || './',
    entries: entries.map((entry) => {
      const type = entry.type === 'file' ? contentType(entry.name) || '' : ''
      const media = /^(image|audio|video)\//.exec(type)?.[1]
      return {
        ...entry,
        href: encodeURIComponent(entry.name) + (entry.type === 'folder' ? '/' : ''),
        sizeText: entry.type === 'folder' ? '—' : formatSize(entry.size),
        modifiedText: formatDateTime(new Date(entry.modified)),
        media,
      }
    }),
  }
}

function typeOf(file: string): string {
  return contentType(basename(file)) || 'application/octet-stream'
}

function safeDecode(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath)
  } catch {
    return rawPath
  }
}

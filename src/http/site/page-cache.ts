import type { Stats } from 'node:fs'
import { BoundedCache } from '../../cache.js'
import type { CannedHeaders } from './send-buffer.js'

/** A rendered page as bytes, with the validators it is served with. */
export interface CachedPage {
  body: Uint8Array
  validators: { etag: string; lastModified: string }
  /** Its headers, made at first use by the fast path (a page is cached per origin). */
  canned?: CannedHeaders
}

// Rendered pages change when the templates do, which is once per process at most.
const RENDER_GENERATION = Date.now().toString(36)
const PAGE_BYTES = 32 * 1024 * 1024

/**
 * Where a page is shown, which changes its links: the gateway's origin ('' on the gateway's own
 * pages) and the space's base path ('' on the space's own origin).
 */
export function pagePlace(gateway: string, base: string): string {
  return `${gateway}|${base}`
}

/** One version of a file: a file replaced by rename, or edited, is a new version. */
export function fileVersion(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`
}

/** A rendered Markdown page's validators: weak, as the bytes depend on our templates too. */
export function markdownValidators(stats: Stats): { etag: string; lastModified: string } {
  const version = `${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`
  return { etag: `W/"md-${version}-${RENDER_GENERATION}"`, lastModified: stats.mtime.toUTCString() }
}

/**
 * Rendered Markdown pages, by file version and place, and the versions that could not be
 * rendered in time (so that they are tried once, not on every visit). The one cache of pages:
 * the fast path and the app both read it.
 */
export class PageCache {
  #pages = new BoundedCache<string, CachedPage | Error>(PAGE_BYTES, (page) =>
    page instanceof Error ? page.message.length * 2 : page.body.byteLength,
  )

  get(stats: Stats, place: string): CachedPage | undefined {
    const page = this.#pages.get(`${fileVersion(stats)}|${place}`)
    return page instanceof Error ? undefined : page
  }

  set(stats: Stats, place: string, page: CachedPage): void {
    this.#pages.set(`${fileVersion(stats)}|${place}`, page)
  }

  /** Why this version could not be rendered, when it was tried before. */
  failure(stats: Stats): Error | undefined {
    const failed = this.#pages.get(fileVersion(stats))
    return failed instanceof Error ? failed : undefined
  }

  fail(stats: Stats, error: Error): void {
    this.#pages.set(fileVersion(stats), error)
  }
}

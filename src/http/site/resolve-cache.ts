import { BoundedCache } from '../../cache.js'
import type { TimelineIndex } from '../../index/index.js'
import type { Listing } from '../../spaces/listing.js'
import type { Resolution } from '../../spaces/resolve.js'
import type { CannedHeaders } from './send-buffer.js'

export interface CachedFile {
  resolution: Resolution
  /** Bytes of a small file, read through the contained opener with `resolution`'s stats. */
  body?: Buffer
  /** Its ETag and Last-Modified, computed once. */
  validators?: { etag: string; lastModified: string }
  /** A file's Content-Type, when it is served as-is (not rendered Markdown). */
  type?: string
  /** A folder's listing (undefined: it was not a folder inside the space when read). */
  listing?: Listing
  /** Headers of `body`, on the gateway origin and on the space's own, made at first use. */
  canned?: { gateway?: CannedHeaders; space?: CannedHeaders }
}

const TTL_MS = 2000
const MAX_CACHED_PATH = 2048
// Small files are at most 64 KB: a friend's folder of thousands of them must not fill memory.
const MAX_BYTES = 64 * 1024 * 1024

/**
 * sirv's "stat once", made safe for folders that change under sync: what a path resolved to
 * (and the bytes of small files, read through the contained opener) is kept while the space's
 * watcher reports every change, and dropped on any change in that space (its generation moves
 * on, so older entries can no longer be found and age out). Entries also expire after two
 * seconds, a net for an event the platform failed to deliver. A space whose watcher failed is
 * never cached.
 */
export class ResolveCache {
  #entries = new BoundedCache<string, CachedFile & { at: number }>(
    MAX_BYTES,
    (entry) => (entry.body?.length ?? 0) + (entry.listing?.entries.length ?? 0) * 160 + 256,
  )
  #generations = new Map<string, number>()

  constructor(private readonly index: TimelineIndex) {
    index.on('touched', (space) => this.#generations.set(space, this.generation(space) + 1))
  }

  /** Read before resolving, passed to set(): a change in between keeps the result out. */
  generation(space: string): number {
    return this.#generations.get(space) ?? 0
  }

  get(space: string, rawPath: string): CachedFile | undefined {
    const key = `${space}\0${this.generation(space)}\0${rawPath}`
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (performance.now() - entry.at > TTL_MS || !this.index.isWatched(space)) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  set(space: string, rawPath: string, file: CachedFile, generation: number) {
    if (generation !== this.generation(space) || !this.index.isWatched(space)) return
    // The resolver refuses longer paths anyway: no need to remember each one.
    if (rawPath.length > MAX_CACHED_PATH) return
    const key = `${space}\0${generation}\0${rawPath}`
    this.#entries.set(key, { ...file, at: performance.now() })
  }
}

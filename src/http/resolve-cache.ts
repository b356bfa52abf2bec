import type { TimelineIndex } from '../index/index.js'
import type { Resolution } from '../resolve.js'

export interface CachedFile {
  resolution: Resolution
  /** Bytes of a small file, read through the same descriptor as `resolution`'s stats. */
  body?: Buffer
  /** Its ETag and Last-Modified, computed once. */
  validators?: { etag: string; lastModified: string }
  /** Its Content-Type, when it is served as-is (not rendered Markdown). */
  type?: string
  /**
   * A Markdown file's rendered page, by where it is shown (`gateway|base`), with its validators:
   * kept on the entry so that it goes when the entry does, on any change in the space.
   */
  rendered?: Map<string, { body: Uint8Array; validators: { etag: string; lastModified: string } }>
}

const TTL_MS = 2000
const MAX_ENTRIES = 4096

/**
 * sirv's "stat once", made safe for folders that change under sync: what a path resolved to
 * (and the bytes of small files) is kept while the space's watcher reports every change, and
 * dropped on any change in that space. Entries also expire after two seconds, a net for an event
 * the platform failed to deliver. A space whose watcher failed is never cached.
 */
export class ResolveCache {
  #spaces = new Map<string, Map<string, CachedFile & { at: number }>>()
  #generations = new Map<string, number>()

  constructor(private readonly index: TimelineIndex) {
    index.on('touched', (space) => {
      this.#spaces.delete(space)
      this.#generations.set(space, this.generation(space) + 1)
    })
  }

  /** Read before resolving, passed to set(): a change in between keeps the result out. */
  generation(space: string): number {
    return this.#generations.get(space) ?? 0
  }

  get(space: string, rawPath: string): CachedFile | undefined {
    const entry = this.#spaces.get(space)?.get(rawPath)
    if (!entry) return undefined
    if (performance.now() - entry.at > TTL_MS || !this.index.spaces.get(space)?.watched) {
      this.#spaces.get(space)?.delete(rawPath)
      return undefined
    }
    return entry
  }

  set(space: string, rawPath: string, file: CachedFile, generation: number) {
    if (generation !== this.generation(space) || !this.index.spaces.get(space)?.watched) return
    let entries = this.#spaces.get(space)
    if (!entries) this.#spaces.set(space, (entries = new Map()))
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!)
    // The entry itself, not a copy: a rendered page is added to it later.
    entries.set(rawPath, Object.assign(file, { at: performance.now() }))
  }
}

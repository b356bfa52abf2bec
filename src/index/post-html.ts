import { join } from 'node:path'
import { BoundedCache, stringBytes } from '../cache.js'
import { NestingError } from '../nesting.js'
import { realFolder } from '../spaces/folder.js'
import { readInSpace } from '../spaces/read.js'
import type { ParsePool } from './indexer/pool.js'
import { TaskFailed } from './indexer/protocol.js'
import type { Item } from './item.js'
import { renderPostHtml } from './parsers/post.js'

const HTML_CACHE_BYTES = 16 * 1024 * 1024

/**
 * The full HTML of posts, which indexing leaves out (most posts are never shown in full): read
 * through the contained opener when asked for, rendered in a worker under the parse deadline,
 * cached by file version. A post that cannot be rendered is shown without its HTML; `failed`
 * hears why, for its space's problems.
 */
export class PostHtml {
  // By item and file version: a new version is a new key.
  #html = new BoundedCache<string, string>(HTML_CACHE_BYTES, stringBytes)
  // A post item object is replaced whenever its file changes, so while it lives its HTML holds.
  #ofItem = new WeakMap<Item, string>()

  constructor(
    readonly pool: ParsePool | undefined,
    readonly maxBytes: number,
    readonly failed: (item: Item, reason: string) => void,
  ) {}

  async of(item: Item, root: string | undefined): Promise<string> {
    if (!item.lazyHtml) return item.html
    const known = this.#ofItem.get(item)
    if (known !== undefined) return known
    const html = await this.#render(item, root)
    this.#ofItem.set(item, html)
    return html
  }

  async #render(item: Item, root: string | undefined): Promise<string> {
    const real = root && (await realFolder(root))
    const read = real && (await readInSpace(real, join(real, item.path), this.maxBytes))
    if (!read) return ''
    const { dev, ino, size, mtimeMs } = read.stats
    const key = `${item.id}|${dev}:${ino}:${size}:${mtimeMs}`
    const cached = this.#html.get(key)
    if (cached !== undefined) return cached
    const source = read.body.toString('utf8')
    let html = ''
    try {
      html = this.pool
        ? await this.pool.renderPostHtml(source, item.space, item.path)
        : renderPostHtml(source, item.space, item.path)
    } catch (error) {
      if (!(error instanceof TaskFailed) && !(error instanceof NestingError)) throw error
      this.failed(
        item,
        `its text could not be rendered: ${error.message}; it is shown by its summary`,
      )
    }
    this.#html.set(key, html)
    return html
  }
}

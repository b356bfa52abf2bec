import { ROOT_FEEDS } from '../parsers/feed.js'

/**
 * Which one feed of a space is indexed: the one its home page names with `<link rel=
 * "alternate">` when that file exists, else the first root feed of ROOT_FEEDS. A static site
 * generator often writes several (RSS and Atom of the same posts): one is enough.
 */
export class FeedChoice {
  /** Root feeds (and the named one) that exist. */
  #present = new Set<string>()
  /** The feed the home page names, relative to the space. */
  alternate: string | undefined
  /** The feed whose entries are in the timeline. */
  active: string | undefined

  /** True for a path that is a feed of this space (a root feed, or the one named). */
  isFeed(path: string): boolean {
    return path === this.alternate || ROOT_FEEDS.includes(path)
  }

  present(): string[] {
    return [...this.#present]
  }

  add(path: string) {
    this.#present.add(path)
  }

  remove(path: string) {
    this.#present.delete(path)
  }

  clear() {
    this.#present.clear()
    this.alternate = this.active = undefined
  }

  /**
   * Chooses again, given which paths still exist. Returns the feed that stopped being the one
   * (its items go) and the one to parse (new, or `changed`).
   */
  choose(exists: (path: string) => boolean, changed?: string) {
    for (const path of this.#present) if (!exists(path)) this.#present.delete(path)
    if (this.alternate && exists(this.alternate)) this.#present.add(this.alternate)
    const next =
      (this.alternate && this.#present.has(this.alternate) ? this.alternate : undefined) ??
      ROOT_FEEDS.find((name) => this.#present.has(name))
    if (next === this.active && changed !== next) return {}
    const dropped = this.active !== next ? this.active : undefined
    this.active = next
    return { dropped, parse: next }
  }
}

/** One entry of the timeline (DESIGN.md "What becomes an item"). */
export interface Item {
  /** Unique across spaces: `SPACE:PATH`, `SPACE:PATH#KEY` for files holding several items. */
  id: string
  space: string
  kind: 'status' | 'post' | 'twtxt' | 'feed'
  title?: string
  /** Plain text (for terminals, and `content_text`). */
  text: string
  /** A twtxt line's text as written (mentions as `@<nick url>`), when it differs: for links. */
  source?: string
  /** Sanitized HTML, links rewritten into `/@NAME/`; '' when the item is text only. */
  html: string
  summary: string
  /** Milliseconds since the epoch. */
  date: number
  updated?: number
  /** Where the item lives: a path on the gateway (`/@NAME/…`) or an absolute external URL. */
  url: string
  /** The file in the space it came from. */
  path: string
  tags: string[]
  /** Its portable reference: the same on every reader's gateway (parsers/refs.ts). */
  ref: string
  /** The parent's ref, when it is a reply. */
  replyTo?: string
  /** A reply by an old gateway URL: `NAME/PATH` of the parent (parsers/refs.ts replyTarget). */
  replyFile?: string
  /** Whom a twtxt reply answers, from its leading mention. */
  replyToWho?: { nick?: string; url: string }
  /** Who it names with `@` (parsers/refs.ts mentionTokens); kept in the index's own table. */
  mentions?: string[]
  image?: string
  author?: string
  /** A related page elsewhere (a status's `url`). */
  external?: string
  /** When the gateway first saw it (ms), set by the index: what "unread" is measured by. */
  arrived?: number
  /**
   * Where it stands in the timeline (ms), set by the index: its date, or, when dated ahead of
   * when it arrived (a friend's clock or time zone slip), the time it arrived (query.ts shownAt).
   */
  shown?: number
  /** Posts render their full HTML on demand, not while indexing (see index/post.ts). */
  lazyHtml?: boolean
}

export type ItemKind = Item['kind']
export const KINDS: readonly ItemKind[] = ['status', 'post', 'twtxt', 'feed']

/** What a parser returns for one file: its items, and what was wrong with it, if anything. */
export interface ParseResult {
  items: Item[]
  problem?: string
}

export function problem(reason: string): ParseResult {
  return { items: [], problem: reason }
}

/** What every parser is given. */
export interface SourceFile {
  space: string
  /** Relative to the space root, with `/`. */
  path: string
  text: string
  /** The file's mtime, the date of last resort. */
  mtimeMs: number
}

import type { Item, ItemKind } from './item.js'

export interface Query {
  spaces?: ReadonlySet<string>
  kinds?: ReadonlySet<ItemKind>
  tag?: string
  limit: number
  /** An opaque cursor from a previous page: only items after it in timeline order. */
  before?: Cursor
  /** Only items that match this full-text expression (store/search.ts ftsQuery). */
  match?: string
  /** Items dated after this (ms) wait; default: a day from now. */
  horizon?: number
  /** Only replies to these spaces' items and mentions of these names (`to=me`). */
  to?: Audience
  /** Leave these out (the config's `mute`), unless `muted=include`. */
  mute?: Mute
  /** One conversation, by its root's ref: the root first, then the replies, oldest first. */
  thread?: string
}

/** Who "me" is, for notifications: my spaces, and the `@name`s and URLs that mention me. */
export interface Audience {
  spaces: readonly string[]
  /** parsers/refs.ts mentionTokens: `@nick`, `@name`, a twtxt URL. */
  tokens: readonly string[]
}

export interface Mute {
  spaces: readonly string[]
  tags: readonly string[]
  /** The muted words as one full-text expression (any of them). */
  match?: string
}

/** Whether a query leaves anything muted out. */
export function mutes(mute: Mute | undefined): mute is Mute {
  return Boolean(mute && (mute.spaces.length || mute.tags.length || mute.match))
}

export interface Cursor {
  /** Where the last item of a page stands (`Item.shown`). */
  date: number
  id: string
}

export interface Page {
  items: Item[]
  /** Set when there may be more items after this page. */
  next?: Cursor
}

const DAY = 24 * 60 * 60 * 1000

/** Items dated after this wait (a friend's clock ahead, or a post scheduled): a day from now. */
export function horizonOf(now: number): number {
  return now + DAY
}

/**
 * When a new item arrived: now; one of a first build when it was written, as far as anyone can
 * tell (its date, if past), or a new index would make every old item unread.
 */
export function arrivalOf(date: number, built: boolean, now: number): number {
  return built ? now : Math.min(date, now)
}

/**
 * Where an item stands in the timeline: its date, unless that is ahead of when it arrived. A
 * post dated three hours ahead by a friend's slipped clock would otherwise sit on top for three
 * hours; it stands where it arrived instead. One dated further ahead than the horizon stands
 * where the horizon lets it in, so it never appears below items that came before it.
 */
export function shownAt(date: number, arrived: number): number {
  return Math.min(date, Math.max(arrived, date - DAY))
}

/**
 * The one rule of what a query keeps, for pages of the timeline and for `/events` alike: the
 * filters, and items dated beyond the horizon held back.
 */
export function matches(item: Item, query: Omit<Query, 'limit'>, horizon: number): boolean {
  const tag = query.tag?.toLowerCase()
  const muted = query.mute
  return (
    item.date <= horizon &&
    (!query.spaces || query.spaces.has(item.space)) &&
    (!query.kinds || query.kinds.has(item.kind)) &&
    (!tag || item.tags.some((t) => t.toLowerCase() === tag)) &&
    (!muted ||
      (!muted.spaces.includes(item.space) &&
        !item.tags.some((t) => muted.tags.includes(t.toLowerCase()))))
  )
}

/** Timeline order: newest first (where they stand), ties by id (the order, and cursors, are total). */
type Ordered = Pick<Item, 'date' | 'shown' | 'id'>
export function compareItems(a: Ordered, b: Ordered): number {
  return (b.shown ?? b.date) - (a.shown ?? a.date) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.date, cursor.id])).toString('base64url')
}

/** undefined for anything that is not a cursor we made. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isFinite(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return { date: value[0] as number, id: value[1] }
    }
  } catch {}
  return undefined
}

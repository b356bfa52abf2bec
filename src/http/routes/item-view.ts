import type { Item } from '../../index/item.js'
import type { ThreadInfo } from '../../index/store/threads.js'
import { hueOf, type Person } from '../../people/person.js'
import { formatDateTime, formatRelative } from '../../render/format.js'
import { conversationPath } from '../../timeline/json-feed.js'

/** What the item views need from the config, the index and the user's read markers. */
export interface ViewContext {
  now: number
  person(space: string): Person
  /** Who a reply answers, by name, when its parent is not in the index. */
  replyName(item: Item): string | undefined
  /** A text-only item's text as HTML with links (mentions, URLs, tags). */
  linkify(item: Item): string
  /** Items that arrived after this (ms) are new to the user. */
  readUpTo: number
  /** Whether a space's folder is missing now (its items stay, marked so). */
  offline(space: string): boolean
  /** Whether a space is one of the user's own (`me`): its status updates can be edited. */
  own(space: string): boolean
}

/** What the timeline templates show of an item (the page and its live updates agree on it). */
export function itemView(item: Item, context: ViewContext, thread?: ThreadInfo, depth?: number) {
  // Posts and feed entries show their summary; status updates and twtxt lines are the content.
  const short = item.kind === 'post' || item.kind === 'feed'
  const person = context.person(item.space)
  const html = short ? '' : item.html
  const inReplyTo =
    thread?.replyTo === undefined
      ? undefined
      : {
          name: thread.parent
            ? context.person(thread.parent.space).name
            : (context.replyName(item) ?? 'a post you do not follow'),
          href: conversationPath(thread.thread ?? thread.replyTo),
        }
  return {
    id: item.id,
    ref: item.ref,
    space: item.space,
    person,
    offline: context.offline(item.space),
    kind: item.kind,
    title: item.title,
    html,
    /** Short items: the summary, as text. */
    text: short ? item.summary : '',
    /** A text-only item: its text with links (render/linkify.ts: escaped, links built). */
    linked: short || html ? '' : context.linkify(item),
    dateISO: new Date(item.date).toISOString(),
    // Where it stands in the list (index/query.ts shownAt): live cards are placed by it.
    shownISO: new Date(item.shown ?? item.date).toISOString(),
    // A date ahead of now reads "just now" (formatRelative); the tooltip says what it states.
    exact:
      formatDateTime(new Date(item.date)) +
      (item.date > context.now + 60_000 ? ' (ahead of this computer’s clock)' : ''),
    relative: formatRelative(item.date, context.now),
    // A post's or a feed entry's own page; the time opens the conversation, never a raw file.
    url: short ? item.url : undefined,
    conversation: conversationPath(thread?.thread ?? item.ref),
    inReplyTo,
    replies: thread?.replies ?? 0,
    depth: depth ?? 0,
    // What the user wrote is never news to them.
    unread: !context.own(item.space) && (item.arrived ?? 0) > context.readUpTo,
    mine: context.own(item.space),
    image: item.image,
    tags: item.tags,
    // The user's own status updates carry their text for the Edit box (own-posts.js); whether
    // the page may write decides whether that script is loaded at all.
    own: item.kind === 'status' && context.own(item.space),
    ownText: item.kind === 'status' && context.own(item.space) ? item.text : '',
  }
}

export type ItemView = ReturnType<typeof itemView>

// Decided in people/, where each person's colour is; home.ts imports it from here.
export { hueOf }

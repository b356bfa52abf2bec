import type { Item } from '../index/item.js'
import type { ThreadInfo } from '../index/store/threads.js'
import type { JsonAuthor } from '../people/index.js'

/** What the timeline's feeds are called. */
export const FEED_TITLE = 'syncweb timeline'

/** What an item's JSON needs besides the item: its HTML, its place in a thread, its author. */
export interface ItemExtras {
  html: string
  thread?: ThreadInfo
  author?: JsonAuthor
}

/** The conversation page of a ref. */
export function conversationPath(ref: string): string {
  return `/timeline?thread=${encodeURIComponent(ref)}`
}

/**
 * A JSON Feed 1.1 item (https://www.jsonfeed.org/version/1.1/), URLs made absolute, with the
 * `_syncweb` extension: where it comes from, its portable `ref`, and its conversation
 * (`reply_to` the parent's ref, `thread` the root's, `replies` how many are below it).
 */
export function jsonFeedItem(item: Item, origin: string, { html, thread, author }: ItemExtras) {
  const absolute = (url: string) => (url.startsWith('/') ? origin + url : url)
  return {
    id: item.id,
    url: absolute(item.url),
    ...(item.external ? { external_url: absolute(item.external) } : {}),
    ...(item.title ? { title: item.title } : {}),
    ...(html ? { content_html: html } : {}),
    ...(item.text ? { content_text: item.text } : {}),
    ...(item.summary ? { summary: item.summary } : {}),
    ...(item.image ? { image: absolute(item.image) } : {}),
    date_published: new Date(item.date).toISOString(),
    ...(item.updated !== undefined ? { date_modified: new Date(item.updated).toISOString() } : {}),
    authors: [author ?? { name: item.author ?? item.space, url: `${origin}/@${item.space}/` }],
    ...(item.tags.length ? { tags: item.tags } : {}),
    _syncweb: {
      space: item.space,
      kind: item.kind,
      path: item.path,
      ref: item.ref,
      ...(thread?.replyTo !== undefined ? { reply_to: thread.replyTo } : {}),
      ...(thread?.thread !== undefined ? { thread: thread.thread } : {}),
      ...(thread?.replies ? { replies: thread.replies } : {}),
      conversation: origin + conversationPath(thread?.thread ?? item.ref),
    },
  }
}

export type JsonFeedItem = ReturnType<typeof jsonFeedItem>

/** A JSON Feed 1.1 document: the one wrapper the route and `syncweb timeline --json` share. */
export function jsonFeed(
  items: JsonFeedItem[],
  links: { home: string; feed?: string; next?: string },
): Record<string, unknown> {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: FEED_TITLE,
    home_page_url: links.home,
    ...(links.feed ? { feed_url: links.feed } : {}),
    ...(links.next ? { next_url: links.next } : {}),
    items,
  }
}

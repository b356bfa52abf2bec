import type { Item } from '../../index/item.js'
import { formatDateTime, formatRelative } from '../../render/format.js'

/** What the timeline templates show of an item (the page and the live script agree on it). */
export function itemView(item: Item, spaceTitle: string, now = Date.now()) {
  // Posts and feed entries show their summary; status updates and twtxt lines are the content.
  const short = item.kind === 'post' || item.kind === 'feed'
  return {
    id: item.id,
    space: item.space,
    spaceTitle,
    initial: spaceTitle.slice(0, 1).toUpperCase(),
    hue: hueOf(item.space),
    kind: item.kind,
    title: item.title,
    html: short ? '' : item.html,
    text: short ? item.summary : item.html ? '' : item.text,
    dateISO: new Date(item.date).toISOString(),
    exact: formatDateTime(new Date(item.date)),
    relative: formatRelative(item.date, now),
    url: item.url,
    image: item.image,
    tags: item.tags,
  }
}

/** A JSON Feed 1.1 item (https://www.jsonfeed.org/version/1.1/), URLs made absolute. */
export function jsonFeedItem(item: Item, origin: string, html: string) {
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
    authors: [{ name: item.author ?? item.space, url: `${origin}/@${item.space}/` }],
    ...(item.tags.length ? { tags: item.tags } : {}),
    _syncweb: {
      space: item.space,
      kind: item.kind,
      path: item.path,
      ...(item.replyTo ? { reply_to: absolute(item.replyTo) } : {}),
    },
  }
}

/** One of eight avatar colours, stable per space name (classes, since the CSP forbids inline styles). */
export function hueOf(name: string): number {
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % 8
}

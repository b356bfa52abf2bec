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

/** One of eight avatar colours, stable per space name (classes, since the CSP forbids inline styles). */
export function hueOf(name: string): number {
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % 8
}

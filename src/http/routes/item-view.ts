import type { Item } from '../../index/item.js'
import { hueOf } from '../../people/person.js'
import { formatDateTime, formatRelative } from '../../render/format.js'

// It moved to people/, where each person's colour is decided; home.ts still imports it here.
export { hueOf }

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

import type { TimelineIndex } from '../index/index.js'
import type { Item } from '../index/item.js'
import { jsonFeedItem, type JsonFeedItem } from './json-feed.js'

/**
 * Items as JSON Feed items, with everything they need from the index: their HTML (posts render
 * theirs on first use) and their place in their conversations (one pass for the whole list).
 */
export async function feedItems(
  index: TimelineIndex,
  items: readonly Item[],
  origin: string,
): Promise<JsonFeedItem[]> {
  const threads = index.threadInfo(items)
  return Promise.all(
    items.map(async (item) =>
      jsonFeedItem(item, origin, { html: await index.htmlOf(item), thread: threads.get(item.id) }),
    ),
  )
}

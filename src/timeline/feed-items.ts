import type { Config } from '../config/config.js'
import type { TimelineIndex } from '../index/index.js'
import { jsonAuthor, personOf, type JsonAuthor } from '../people/index.js'
import type { Item } from '../index/item.js'
import { jsonFeedItem, type JsonFeedItem } from './json-feed.js'

/**
 * Items as JSON Feed items, with everything they need from the index: their HTML (posts render
 * theirs on first use) and their place in their conversations (one pass for the whole list).
 */
export async function feedItems(
  config: Config,
  index: TimelineIndex,
  items: readonly Item[],
  origin: string,
): Promise<JsonFeedItem[]> {
  const threads = index.threadInfo(items)
  const authors = authorsOf(config, index, origin)
  return Promise.all(
    items.map(async (item) =>
      jsonFeedItem(item, origin, {
        html: await index.htmlOf(item),
        thread: threads.get(item.id),
        author: authors(item.space),
      }),
    ),
  )
}

/** Each space's JSON Feed author (people/: the petname rule, the avatar), once per space. */
export function authorsOf(
  config: Config,
  index: TimelineIndex,
  origin: string,
): (space: string) => JsonAuthor {
  const known = new Map<string, JsonAuthor>()
  return (space) => {
    let author = known.get(space)
    if (!author) known.set(space, (author = jsonAuthor(personOf(config, index, space), origin)))
    return author
  }
}

import { findSpace, type Config } from '../config/config.js'
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
        author: authors(item.space, item.author),
      }),
    ),
  )
}

/**
 * Each space's JSON Feed author (people/: the petname rule, the avatar), once per space. When
 * neither the user nor the space names it, an item's own author (a feed entry's, a post's front
 * matter) is the friend's own name, before the space's local name.
 */
export function authorsOf(
  config: Config,
  index: TimelineIndex,
  origin: string,
): (space: string, itemAuthor?: string) => JsonAuthor {
  const known = new Map<string, { author: JsonAuthor; named: boolean }>()
  return (space, itemAuthor) => {
    let entry = known.get(space)
    if (!entry) {
      const person = personOf(config, index, space)
      const named = person.name !== space || findSpace(config, space)?.title !== undefined
      known.set(space, (entry = { author: jsonAuthor(person, origin), named }))
    }
    return entry.named || !itemAuthor ? entry.author : { ...entry.author, name: itemAuthor }
  }
}

import { findSpace, type Config } from '../config/config.js'
import type { Item } from '../index/item.js'
import { readAndParse } from '../index/parsers/parse-file.js'
import { replyTarget } from '../index/parsers/refs.js'
import { sourceOf } from '../index/parsers/sources.js'
import { realFolder } from '../spaces/folder.js'

/** Where the items of the user's spaces can be looked up: the index, or the files themselves. */
export interface ItemLookup {
  /** Whether a space of that name is followed. */
  followed(space: string): boolean
  /** The item of that JSON Feed id (`SPACE:…`). */
  byId(id: string): Item | undefined | Promise<Item | undefined>
  /** The item a file of a space holds (`#KEY` picks one of a twtxt file or a feed). */
  byFile(space: string, path: string): Item | undefined | Promise<Item | undefined>
}

/** What the user named as a parent cannot be found: the message says what to give instead. */
export class ReplyTargetError extends Error {}

const MAX_REF = 1024

/**
 * The portable ref a reply should name (DESIGN.md "Conversations and people"), from what the
 * user gives: a ref (`_syncweb.ref`), a gateway URL (`http://localhost:4747/@bob/status/x.json`,
 * or a conversation page's `…/timeline?thread=REF`), or a JSON Feed item id (`bob:…`). A URL or
 * id that names a followed space must name an item of it; anything else is taken as a ref.
 */
export async function portableRef(input: string, lookup: ItemLookup): Promise<string> {
  const text = input.trim()
  if (!text || text.length > MAX_REF || /[\0-\x1f\x7f]/.test(text))
    throw new ReplyTargetError(
      `give the ref of the post to reply to (at most ${MAX_REF} characters)`,
    )
  const thread = /^(?:https?:\/\/[^/?#\s]+)?\/timeline\?(?:[^#]*&)?thread=([^&#]+)/.exec(text)
  if (thread) return decodeURIComponent(thread[1]!.replace(/\+/g, ' '))

  const target = replyTarget(text)
  if (target?.file) {
    const slash = target.file.indexOf('/')
    const space = target.file.slice(0, slash)
    if (!lookup.followed(space))
      throw new ReplyTargetError(`${text} names @${space}, which you do not follow`)
    const hash = text.indexOf('#')
    const key = hash === -1 ? '' : decodeURIComponent(text.slice(hash + 1))
    const item = await lookup.byFile(space, target.file.slice(slash + 1) + (key ? `#${key}` : ''))
    if (!item) throw new ReplyTargetError(`${text} is not a post or status update of @${space}`)
    return item.ref
  }
  const colon = text.indexOf(':')
  const space = colon > 0 ? text.slice(0, colon) : ''
  if (space && !/^https?$/i.test(space) && lookup.followed(space)) {
    // A status's id is `SPACE:` and its own id, which is its ref.
    const item = await lookup.byId(text)
    return item ? item.ref : text.slice(colon + 1)
  }
  return text
}

/**
 * A lookup that names only the user's own items: editing or deleting by a friend's URL or id
 * must not reach one of the user's own statuses that happens to share its ref.
 */
export function ownItemsOnly(lookup: ItemLookup, mine: readonly string[]): ItemLookup {
  const refuse = (space: string) => {
    if (!mine.includes(space))
      throw new ReplyTargetError(
        `that is a post of @${space}: only your own status updates can be changed`,
      )
  }
  return {
    followed: lookup.followed,
    byId: (id) => (refuse(id.slice(0, id.indexOf(':'))), lookup.byId(id)),
    byFile: (space, path) => (refuse(space), lookup.byFile(space, path)),
  }
}

/** Looks items up in the index (the gateway's). */
export function indexLookup(
  followed: (space: string) => boolean,
  threads: {
    byId(id: string): Item | undefined
    byFile(space: string, path: string): Item | undefined
  },
): ItemLookup {
  return {
    followed,
    byId: (id) => threads.byId(id),
    byFile: (space, path) =>
      path.includes('#') ? threads.byId(`${space}:${path}`) : threads.byFile(space, path),
  }
}

/**
 * Looks items up by reading the one file they are in (the CLI's: no index, no gateway needed).
 * The parser runs here, in this process, on a file of the user's choosing.
 */
export function filesLookup(config: Config): ItemLookup {
  const itemsOf = async (space: string, path: string): Promise<Item[]> => {
    const root = findSpace(config, space)?.root
    const real = root && (await realFolder(root))
    const source = sourceOf(path)
    if (!real || !source) return []
    return readAndParse(space, real, path, source, config.limits.maxParseBytes).items
  }
  const byId = async (id: string) => {
    const space = id.slice(0, id.indexOf(':'))
    const rest = id.slice(space.length + 1)
    const file = rest.includes('#') ? rest.slice(0, rest.indexOf('#')) : rest
    return (await itemsOf(space, file)).find((item) => item.id === id)
  }
  return {
    followed: (space) => findSpace(config, space) !== undefined,
    byId,
    byFile: async (space, path) =>
      path.includes('#')
        ? byId(`${space}:${path}`)
        : (await itemsOf(space, path)).sort((a, b) => a.date - b.date)[0],
  }
}

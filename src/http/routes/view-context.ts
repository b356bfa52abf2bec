import { findSpace } from '../../config/config.js'
import type { Item } from '../../index/item.js'
import { urlToken } from '../../index/parsers/refs.js'
import { linkify, type LinkifyContext } from '../../render/linkify.js'
import type { GatewayState } from '../server/state.js'
import { hueOf, type PersonView, type ViewContext } from './item-view.js'

/** The people, links and read marker the item views of one page are rendered with. */
export function viewContext(state: GatewayState, readUpTo: number): ViewContext {
  const { config } = state
  const people = new Map<string, PersonView>()
  const links = linkContext(state)
  return {
    now: Date.now(),
    readUpTo,
    person(space) {
      let person = people.get(space)
      if (!person) {
        const name = findSpace(config, space)?.title ?? space
        person = { name, initial: initialOf(name), hue: hueOf(space) }
        people.set(space, person)
      }
      return person
    },
    replyName(item: Item) {
      if (item.replyToWho) return item.replyToWho.nick ?? item.replyToWho.url
      if (item.replyFile) {
        const space = item.replyFile.slice(0, item.replyFile.indexOf('/'))
        return findSpace(config, space)?.title ?? `@${space}`
      }
      return undefined
    },
    linkify: (item: Item) => linkify(item.source ?? item.text, links),
  }
}

/** How linkify finds the user's spaces: by name, by twtxt nick, by twtxt URL. */
function linkContext(state: GatewayState): LinkifyContext {
  const byNick = new Map<string, string>()
  const byUrl = new Map<string, string>()
  for (const { name } of state.config.spaces) {
    const twtxt = state.index.space(name)?.twtxt
    if (twtxt?.nick && !byNick.has(twtxt.nick.toLowerCase()))
      byNick.set(twtxt.nick.toLowerCase(), name)
    if (twtxt?.url) byUrl.set(urlToken(twtxt.url), name)
  }
  return {
    spaceFor: (nick) => (findSpace(state.config, nick) ? nick : byNick.get(nick)),
    spaceForUrl: (url) => byUrl.get(urlToken(url)),
  }
}

/** The first letter of a name, for a generated avatar. */
export function initialOf(name: string): string {
  const first = [...new Intl.Segmenter().segment(name.trim())][0]?.segment ?? '?'
  return first.toUpperCase()
}

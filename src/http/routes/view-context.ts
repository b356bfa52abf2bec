import { findSpace } from '../../config/config.js'
import type { Item } from '../../index/item.js'
import { urlToken } from '../../index/parsers/refs.js'
import { linkify, type LinkifyContext } from '../../render/linkify.js'
import type { GatewayState } from '../server/state.js'
import { nameForUrl, personOf, type Person } from '../../people/index.js'
import type { ViewContext } from './item-view.js'
import { meSpaces } from '../../config/me.js'

/** The people, links and read marker the item views of one page are rendered with. */
export function viewContext(state: GatewayState, readUpTo: number): ViewContext {
  const { config } = state
  const people = new Map<string, Person>()
  const links = linkContext(state)
  const mine = new Set(meSpaces(config))
  return {
    now: Date.now(),
    readUpTo,
    person(space) {
      let person = people.get(space)
      if (!person) people.set(space, (person = personOf(config, state.index, space)))
      return person
    },
    replyName(item: Item) {
      const who = item.replyToWho
      if (who)
        return nameForUrl(config, state.index, who.url, who.nick)?.name ?? who.nick ?? who.url
      if (item.replyFile) {
        const space = item.replyFile.slice(0, item.replyFile.indexOf('/'))
        return findSpace(config, space) ? this.person(space).name : `@${space}`
      }
      return undefined
    },
    linkify: (item: Item) => linkify(item.source ?? item.text, links),
    offline: (space) => state.index.space(space)?.status === 'offline',
    own: (space) => mine.has(space),
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

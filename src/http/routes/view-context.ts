import { findSpace } from '../../config/config.js'
import type { Item } from '../../index/item.js'
import type { GatewayState } from '../server/state.js'
import { hueOf, type PersonView, type ViewContext } from './item-view.js'

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** The people, links and read marker the item views of one page are rendered with. */
export function viewContext(state: GatewayState, readUpTo: number): ViewContext {
  const { config } = state
  const people = new Map<string, PersonView>()
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
    linkify(item: Item) {
      return item.text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\r?\n|\u2028/g, '<br>')
    },
  }
}

/** The first letter of a name, for a generated avatar. */
export function initialOf(name: string): string {
  const first = [...new Intl.Segmenter().segment(name.trim())][0]?.segment ?? '?'
  return first.toUpperCase()
}

import { findSpace, type Config } from '../config/config.js'
import type { SpaceState } from '../index/indexer/space-facts.js'
import { spacePath } from '../index/parsers/fields.js'
import { profileOf, type ResolvedProfile } from './profile.js'

/** What people/ reads of the index: each space's state (TimelineIndex has it). */
export interface SpaceStates {
  space(name: string): SpaceState | undefined
}

/** A space as the timeline shows who wrote something. */
export interface Person {
  space: string
  /** What the user calls them: the config's `title` (a petname), else their own name, else the space's name. */
  name: string
  /** Their own name for themselves, when it is not `name`: shown beside it. */
  ownName?: string
  nick?: string
  /** A gateway path, `/@NAME/PATH`, each segment percent-encoded: the space's file route serves it. */
  avatar?: string
  description?: string
  links: ResolvedProfile['links']
  /** The first letter of `name` (a grapheme: `é`, `👩‍🚀`), upper-cased, for an avatar without an image. */
  initial: string
  /** One of eight avatar colours (0-7), stable per space name. */
  hue: number
}

/**
 * Who a space is, as the user sees it. The name the user gave the space (its `title` in the
 * config) wins, as a petname does: a friend cannot make themselves look like someone else by
 * what they write. Their own name (profileOf) is kept beside it when it differs.
 * @example personOf(config, index, 'bob') // {space: 'bob', name: 'Bobby', ownName: 'Robert', …}
 */
export function personOf(config: Config, index: SpaceStates, space: string): Person {
  const profile = profileOf(index.space(space))
  const own = profile?.name
  const name = findSpace(config, space)?.title ?? own ?? space
  return {
    space,
    name,
    ...(own && !sameName(own, name) ? { ownName: own } : {}),
    ...(profile?.nick ? { nick: profile.nick } : {}),
    ...(profile?.avatar ? { avatar: spacePath(space, profile.avatar) } : {}),
    ...(profile?.description ? { description: profile.description } : {}),
    links: profile?.links ?? [],
    initial: initialOf(name),
    hue: hueOf(space),
  }
}

/** A JSON Feed 1.1 author (https://www.jsonfeed.org/version/1.1/#authors): absolute URLs. */
export interface JsonAuthor {
  name: string
  url: string
  avatar?: string
}

/**
 * The `authors` entry of an item by this person; `origin` is the gateway's own
 * (`http://127.0.0.1:4747`).
 * @example jsonAuthor(personOf(config, index, 'bob'), 'http://127.0.0.1:4747')
 * // {name: 'Bobby', url: 'http://127.0.0.1:4747/@bob/', avatar: 'http://127.0.0.1:4747/@bob/me.png'}
 */
export function jsonAuthor(person: Person, origin: string): JsonAuthor {
  const base = origin.replace(/\/+$/, '')
  return {
    name: person.name,
    url: `${base}/@${encodeURIComponent(person.space)}/`,
    ...(person.avatar ? { avatar: base + person.avatar } : {}),
  }
}

/** Names that differ only in case or spacing are the same name: nothing to show beside it. */
function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase()
  return norm(a) === norm(b)
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** The first grapheme of a name, upper-cased; `?` for an empty one. */
export function initialOf(name: string): string {
  const first = graphemes.segment(name.trim())[Symbol.iterator]().next()
  return first.done ? '?' : first.value.segment.toLocaleUpperCase()
}

/** One of eight avatar colours, stable per space name (classes, since the CSP forbids inline styles). */
export function hueOf(name: string): number {
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % 8
}

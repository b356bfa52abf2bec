import { findSpace, type Config } from '../config/config.js'
import { meSpaces } from '../config/me.js'
import type { SpaceState } from '../index/indexer/space-facts.js'
import { cleanText, MAX_NAME } from '../index/parsers/profile-fields.js'
import { urlToken } from '../index/parsers/refs.js'
import type { Audience } from '../index/query.js'
import { personOf, type SpaceStates } from './person.js'
import { profileOf } from './profile.js'

/** What the user can call someone known only by a twtxt URL. */
export interface UrlName {
  /** The followed space whose twtxt `# url` that is. */
  space?: string
  /** The user's name for them ("Dave"), or a friend's ("dave, followed by Carol"). */
  name: string
  /** The followed space that lists them (with `name` "…, followed by …"). */
  followedBy?: string
}

/**
 * A name for an author known only by a twtxt URL (a mention `@<dave https://dave.example/twtxt.txt>`,
 * a reply's leading mention). A followed space whose twtxt `# url` is that URL: that space, by
 * the petname rule (personOf). Else a followed space that lists the URL in its follows
 * (follows.json, twtxt `# follow`): the name it gives, "dave, followed by carol", with the
 * follower's name by the petname rule; the user's own spaces' lists name them plainly ("dave"),
 * then a list that gives the name the mention used (`nick`), then the first in config order.
 * Undefined when no followed space knows the URL. URLs compare as refs.ts urlToken does (scheme
 * and host lower-cased, path as written).
 */
export function nameForUrl(
  config: Config,
  index: SpaceStates,
  url: string,
  nick?: string,
): UrlName | undefined {
  const token = urlToken(url)
  for (const { name: space } of config.spaces) {
    const own = index.space(space)?.twtxt?.url
    if (own && urlToken(own) === token) return { space, name: personOf(config, index, space).name }
  }
  const mine = new Set(meSpaces(config))
  const wanted = nick?.trim().toLowerCase()
  let best: { rank: number; name: string; by: string } | undefined
  for (const { name: by } of config.spaces) {
    for (const entry of listed(index.space(by))) {
      if (!entry.url || urlToken(entry.url) !== token) continue
      const name = cleanText(entry.name, MAX_NAME)
      if (!name) continue
      const rank = mine.has(by) ? 0 : name.toLowerCase() === wanted ? 1 : 2
      if (!best || rank < best.rank) best = { rank, name, by }
    }
  }
  if (!best) return undefined
  if (best.rank === 0) return { name: best.name }
  const follower = personOf(config, index, best.by).name
  return { name: `${best.name}, followed by ${follower}`, followedBy: best.by }
}

/** Whom a space follows, by the name it gives them: follows.json, then twtxt `# follow`. */
function listed(state: SpaceState | undefined): Array<{ name: string; url?: string }> {
  if (!state) return []
  return [
    ...(state.follows ?? []),
    ...(state.twtxt?.follows ?? []).map((f) => ({
      name: f.nick,
      ...(f.url ? { url: f.url } : {}),
    })),
  ]
}

/**
 * Who "me" is, for notifications (index/query.ts `to`): my spaces, and what mentions me, in
 * the form refs.ts mentionTokens gives an item's mentions: `@` and my space's name (its name in
 * the config, my title for it and my profile's name, when they are one word — `@` takes no
 * spaces), `@` and my nick (profile.json's and twtxt's `# nick`), lower-cased; and urlToken of
 * my twtxt `# url`.
 */
export function audienceOf(config: Config, index: SpaceStates): Audience {
  const spaces = meSpaces(config)
  const tokens = new Set<string>()
  const word = (name: string | undefined) => {
    const text = name?.trim()
    if (text && !/\s/.test(text)) tokens.add(`@${text.toLowerCase()}`)
  }
  for (const space of spaces) {
    const state = index.space(space)
    const profile = profileOf(state)
    word(space)
    word(findSpace(config, space)?.title)
    word(profile?.name)
    word(state?.profile?.nick)
    word(state?.twtxt?.nick)
    if (state?.twtxt?.url) tokens.add(urlToken(state.twtxt.url))
  }
  return { spaces, tokens: [...tokens] }
}

export { meSpaces }

import { findSpace, type Config } from '../config/config.js'
import type { TimelineIndex } from '../index/index.js'
import type { Audience } from '../index/query.js'
import { urlToken } from '../index/parsers/refs.js'
import type { ParamsContext } from './params.js'

/** The names of my own spaces (`me`). */
export function mySpaces(config: Config): string[] {
  return config.me && findSpace(config, config.me) ? [config.me] : []
}

/** Who "me" is for notifications: my spaces, and my names, nicks and twtxt URLs as mentions. */
export function audienceOf(config: Config, index: TimelineIndex): Audience | undefined {
  const spaces = mySpaces(config)
  if (!spaces.length) return undefined
  const tokens = new Set<string>()
  for (const space of spaces) {
    tokens.add(`@${space.toLowerCase()}`)
    const twtxt = index.space(space)?.twtxt
    if (twtxt?.nick) tokens.add(`@${twtxt.nick.toLowerCase()}`)
    if (twtxt?.url) tokens.add(urlToken(twtxt.url))
  }
  return { spaces, tokens: [...tokens] }
}

/** What the timeline's parameters are read against: the config and the index as they are now. */
export function paramsContext(config: Config, index: TimelineIndex): ParamsContext {
  return {
    knownSpace: (name) => findSpace(config, name) !== undefined,
    audience: () => audienceOf(config, index),
    mute: config.mute,
  }
}

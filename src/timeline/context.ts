import { findSpace, type Config } from '../config/config.js'
import type { TimelineIndex } from '../index/index.js'
import type { Audience } from '../index/query.js'
import { audienceOf } from '../people/index.js'
import type { ParamsContext } from './params.js'

/** Who "me" is, for notifications (people/ audienceOf); undefined when no space is "me". */
export function myAudience(config: Config, index: TimelineIndex): Audience | undefined {
  const audience = audienceOf(config, index)
  return audience.spaces.length ? audience : undefined
}

/** What the timeline's parameters are read against: the config and the index as they are now. */
export function paramsContext(config: Config, index: TimelineIndex): ParamsContext {
  return {
    knownSpace: (name) => findSpace(config, name) !== undefined,
    audience: () => myAudience(config, index),
    mute: config.mute,
  }
}

import { meSpaces } from '../../config/me.js'
import type { Query } from '../../index/query.js'
import { myAudience } from '../../timeline/context.js'
import { muteQuery } from '../../timeline/params.js'
import type { GatewayState } from '../server/state.js'

/**
 * How many items of a timeline query arrived since the user last read it, the user's own left
 * out: what one writes oneself is never news. (Counted as if the own spaces were muted.)
 */
export function unreadTimeline(state: GatewayState, query: Omit<Query, 'limit'>): number {
  const mine = meSpaces(state.config)
  const mute = {
    spaces: [...(query.mute?.spaces ?? []), ...mine],
    tags: query.mute?.tags ?? [],
    ...(query.mute?.match ? { match: query.mute.match } : {}),
  }
  return state.index.store.countArrived({ ...query, mute }, state.read.markers.timeline)
}

/**
 * How many notifications (replies to me, mentions of me, not muted) arrived since the user last
 * read them; undefined when no space is "me". Every gateway page shows it on its bell.
 */
export function unreadNotifications(state: GatewayState): number | undefined {
  const audience = myAudience(state.config, state.index)
  if (!audience) return undefined
  const mute = muteQuery(state.config.mute)
  return state.index.store.countArrived(
    { to: audience, ...(mute ? { mute } : {}) },
    state.read.markers.notifications,
  )
}

import { myAudience } from '../../timeline/context.js'
import { muteQuery } from '../../timeline/params.js'
import type { GatewayState } from '../server/state.js'

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

import type { Context } from 'hono'
import { findSpace } from '../../config/config.js'
import { normalizeName } from '../../spaces/names.js'
import { spaceSummary, summaryForDevice, type SpaceSummary } from '../../timeline/summary.js'
import { addressedOf } from '../server/request.js'
import { sendError } from '../errors.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'

/** `GET /api/spaces` and `GET /api/spaces/NAME`: folder paths for the user's eyes only. */
export function apiRoutes(state: GatewayState) {
  const viewer = (c: Context<GatewayEnv>) =>
    addressedOf(c, state).client === 'user' ? (summary: SpaceSummary) => summary : summaryForDevice
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }
  return {
    list(c: Context<GatewayEnv>) {
      const { config, index } = state
      const shown = viewer(c)
      return c.json(
        config.spaces.map((s) => shown(spaceSummary(config, index, s.name))),
        200,
        headers,
      )
    },
    one(c: Context<GatewayEnv>) {
      const name = normalizeName(c.req.param('name') ?? '')
      if (!name || !findSpace(state.config, name)) {
        return sendError(c, {
          status: 404,
          code: 'no_such_space',
          message: `No space named ${c.req.param('name')}`,
          json: true,
        })
      }
      return c.json(viewer(c)(spaceSummary(state.config, state.index, name)), 200, headers)
    },
  }
}

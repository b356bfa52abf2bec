import type { Context } from 'hono'
import { renderPage } from '../../render/templates.js'
import { sendError } from '../errors.js'
import { GATEWAY_HEADERS } from '../headers.js'
import { addressedOf } from '../server/request.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { unreadNotifications } from './page-chrome.js'
import { settingsView } from './settings-view.js'
import { settingsWrites } from './settings-write.js'

/**
 * `/settings` and its API, for the user on this machine only (SECURITY.md "Devices"): a device
 * of the network, even a paired one, may post but never follow folders, see their paths or
 * change settings. The page is readable without JavaScript; its changes need the page's token,
 * so they are made by assets/settings.js through the POST routes of settings-write.ts.
 */
export function settingsRoutes(state: GatewayState) {
  const onlyHere = (c: Context<GatewayEnv>, json: boolean) =>
    sendError(c, {
      status: 403,
      code: 'forbidden',
      message: 'Settings are only on the computer that runs syncweb',
      hint: 'Open /settings there (http://localhost:PORT/settings). From this device you can read, and once paired, post and reply.',
      json,
    })
  const isUser = (c: Context<GatewayEnv>) => addressedOf(c, state).client === 'user'

  return {
    page(c: Context<GatewayEnv>) {
      if (!isUser(c)) return onlyHere(c, false)
      const view = settingsView(state)
      const html = renderPage('settings', {
        title: 'Settings',
        gateway: '',
        view: 'settings',
        user: true,
        token: state.token,
        settings: view,
        notifications: unreadNotifications(state),
      })
      // no-store: the page carries the token and folder paths.
      return c.html(html, 200, { ...GATEWAY_HEADERS, 'Cache-Control': 'no-store' })
    },

    api(c: Context<GatewayEnv>) {
      if (!isUser(c)) return onlyHere(c, true)
      return c.json(settingsView(state), 200, { 'Cache-Control': 'no-store' })
    },

    ...settingsWrites(state),
  }
}

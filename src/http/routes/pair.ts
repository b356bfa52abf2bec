import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { renderPage } from '../../render/templates.js'
import { MAX_DEVICE_NAME } from '../../state/devices.js'
import { CODE_LIFETIME_MS, MAX_TRIES } from '../../state/pairing.js'
import { sendError } from '../errors.js'
import { GATEWAY_HEADERS } from '../headers.js'
import { addressedOf } from '../server/request.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { DEVICE_COOKIE, pairedDevice } from './guard.js'

// The longest a browser keeps a cookie (400 days): a paired phone stays paired until revoked.
const COOKIE_MAX_AGE = 400 * 24 * 60 * 60

/**
 * Pairing a device of the network (SECURITY.md "Devices"): the user asks for a code on this
 * machine (`POST /api/pair`, which `syncweb pair` calls); the device enters it at `/pair` and
 * gets an HttpOnly, SameSite=Strict cookie that lets it post, reply and mark read. The user
 * lists and revokes devices (`GET /api/devices`, `POST /api/devices/revoke`).
 */
export function pairRoutes(state: GatewayState) {
  const page = (c: Context<GatewayEnv>, status: 200 | 400 | 403, data: Record<string, unknown>) =>
    c.html(renderPage('pair', { title: 'Pair this device', gateway: '', ...data }), status, {
      ...GATEWAY_HEADERS,
      'Cache-Control': 'no-store',
    })
  const onlyHere = (c: Context<GatewayEnv>) =>
    sendError(c, {
      status: 403,
      code: 'forbidden',
      message: 'only the computer that runs syncweb may see or change paired devices',
      json: true,
    })

  return {
    /** The form a device enters its code in; on this machine, how pairing works. */
    show(c: Context<GatewayEnv>) {
      const { client } = addressedOf(c, state)
      const device = pairedDevice(c, state)
      return page(c, 200, {
        here: client === 'user',
        user: client === 'user',
        paired: device?.name,
        devices: client === 'user' ? state.devices.list() : [],
        token: client === 'user' ? state.token : undefined,
        minutes: CODE_LIFETIME_MS / 60_000,
      })
    },

    /** A device sends the code (a plain form: it works without JavaScript). */
    async enter(c: Context<GatewayEnv>) {
      const { client } = addressedOf(c, state)
      if (client === 'user')
        return page(c, 400, { here: true, problem: 'This computer needs no pairing.' })
      // A form post from the gateway's own page only: another site must not burn the tries.
      const origin = c.req.header('origin')
      const site = c.req.header('sec-fetch-site')
      const own = `http://${c.req.header('host')}`
      if (
        (origin !== undefined && origin !== own) ||
        (site !== undefined && site !== 'same-origin') ||
        (origin === undefined && site === undefined)
      )
        return page(c, 403, { problem: 'Enter the code on this page itself.' })
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      const code = typeof form.code === 'string' ? form.code : ''
      const name = (typeof form.name === 'string' ? form.name : '').trim().slice(0, MAX_DEVICE_NAME)
      if (!name)
        return page(c, 400, { problem: 'Give this device a name, e.g. “Ada’s phone”.', name })
      const answer = state.pairing.try(code)
      if (!answer.ok) {
        const problem =
          answer.reason === 'wrong'
            ? `That is not the code. ${answer.triesLeft} ${answer.triesLeft === 1 ? 'try' : 'tries'} left.`
            : answer.reason === 'used-up'
              ? `Too many wrong tries (${MAX_TRIES}): this code no longer works. Run syncweb pair again for a new one.`
              : answer.reason === 'expired'
                ? 'This code has expired. Run syncweb pair again for a new one.'
                : 'No code is waiting. Run syncweb pair on the computer that runs syncweb first.'
        return page(c, 400, { problem, name })
      }
      const { device, credential } = await state.devices.add(name)
      setCookie(c, DEVICE_COOKIE, credential, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        maxAge: COOKIE_MAX_AGE,
      })
      return page(c, 200, { paired: device.name, done: true })
    },

    /** `POST /api/pair` (the user only): a new code, and where devices enter it. */
    start(c: Context<GatewayEnv>) {
      const { code, expires } = state.pairing.start()
      // The port this gateway listens on, whatever the config says (--port, or 0).
      const port = c.env.incoming?.socket.localPort ?? state.config.port
      const hosts = state.config.allowedHosts
      return c.json({
        code,
        expires: new Date(expires).toISOString(),
        urls: hosts.map((host) => `http://${host}${port === 80 ? '' : `:${port}`}/pair`),
      })
    },

    devices(c: Context<GatewayEnv>) {
      if (addressedOf(c, state).client !== 'user') return onlyHere(c)
      return c.json({ devices: state.devices.list() }, 200, { 'Cache-Control': 'no-store' })
    },

    /** `{"device": NAME | ID}`: that device is refused from its next request on. */
    async revoke(c: Context<GatewayEnv>) {
      const body = (await c.req.json().catch(() => ({}))) as { device?: unknown }
      if (typeof body.device !== 'string' || !body.device.trim())
        return sendError(c, {
          status: 400,
          code: 'bad_request',
          message: 'give the device to revoke: {"device": NAME}',
          json: true,
        })
      const revoked = await state.devices.revoke(body.device)
      if (!revoked.length)
        return sendError(c, {
          status: 404,
          code: 'no_such_device',
          message: `no paired device named ${body.device}`,
          json: true,
        })
      return c.json({ revoked })
    },
  }
}

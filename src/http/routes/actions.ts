import type { Context } from 'hono'
import { ConfigError, editConfig } from '../../config/config.js'
import { MARKED, type Marked } from '../../state/read-markers.js'
import { normalizeName } from '../../spaces/names.js'
import { myAudience } from '../../timeline/context.js'
import { muteQuery } from '../../timeline/params.js'
import { sendError } from '../errors.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { unreadNotifications, unreadTimeline } from './page-chrome.js'

type Fail = (status: 400 | 409 | 500, code: string, message: string) => Response

async function jsonBody(c: Context, fail: Fail): Promise<Record<string, unknown> | Response> {
  try {
    const body = (await c.req.json()) as unknown
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return body as Record<string, unknown>
  } catch {}
  return fail(400, 'bad_request', 'the body must be a JSON object')
}

/**
 * The user's small writes (behind writeGuard, like posting): `POST /api/read` moves a read
 * marker, `POST /api/mute` mutes or unmutes a space, a tag or a word in the config (the same
 * atomic write as the CLI's), and `GET /api/unread` says how much is unread.
 */
export function actionRoutes(state: GatewayState) {
  const failer =
    (c: Context): Fail =>
    (status, code, message) =>
      sendError(c, { status, code, message, json: true })

  const unread = () => {
    const audience = myAudience(state.config, state.index)
    const mute = muteQuery(state.config.mute)
    return {
      timeline: unreadTimeline(state, mute ? { mute } : {}),
      notifications: audience ? (unreadNotifications(state) ?? 0) : null,
    }
  }

  return {
    unread(c: Context<GatewayEnv>) {
      return c.json({ ...unread(), read: state.read.markers }, 200, { 'Cache-Control': 'no-cache' })
    },

    /** `{"what": "timeline" | "notifications", "upTo"?: ms}`: read up to then (default: now). */
    async read(c: Context<GatewayEnv>) {
      const fail = failer(c)
      const body = await jsonBody(c, fail)
      if (body instanceof Response) return body
      const { what, upTo } = body
      if (!MARKED.includes(what as Marked))
        return fail(400, 'bad_request', '"what" must be "timeline" or "notifications"')
      if (upTo !== undefined && (typeof upTo !== 'number' || !Number.isFinite(upTo)))
        return fail(400, 'bad_request', '"upTo" must be a time in milliseconds')
      await state.read.mark(what as Marked, upTo as number | undefined)
      return c.json({ ...unread(), read: state.read.markers })
    },

    /** `{"space" | "tag" | "word": "…", "muted": true | false}`. */
    async mute(c: Context<GatewayEnv>) {
      const fail = failer(c)
      const body = await jsonBody(c, fail)
      if (body instanceof Response) return body
      const kinds = (['space', 'tag', 'word'] as const).filter((k) => body[k] !== undefined)
      const kind = kinds[0]
      const raw = kind && body[kind]
      if (kinds.length !== 1 || typeof raw !== 'string' || !raw.trim() || raw.length > 200)
        return fail(400, 'bad_request', 'give one of "space", "tag" or "word" (1-200 characters)')
      if (typeof body.muted !== 'boolean')
        return fail(400, 'bad_request', '"muted" must be true or false')
      const value =
        kind === 'space'
          ? normalizeName(raw.replace(/^@/, ''))
          : kind === 'tag'
            ? raw.trim().replace(/^#/, '').toLowerCase()
            : raw.trim()
      if (!value) return fail(400, 'bad_request', `"${raw}" is not a space name`)
      const file = state.config.file
      if (!file)
        return fail(
          409,
          'no_config',
          'the demo has no config file to keep mutes in; follow a folder first (syncweb follow NAME FOLDER)',
        )
      const key = `${kind}s` as const
      try {
        const next = await editConfig(file, (config) => {
          const mute = (config.mute ??= {}) as Record<string, unknown>
          const list = Array.isArray(mute[key]) ? (mute[key] as unknown[]) : []
          const kept = list.filter((v) => v !== value)
          mute[key] = body.muted ? [...kept, value] : kept
        })
        state.apply(next)
      } catch (error) {
        if (error instanceof ConfigError)
          return fail(409, 'config_error', `the config cannot be changed: ${error.message}`)
        return fail(500, 'write_failed', `could not write the config: ${(error as Error).message}`)
      }
      return c.json({ mute: state.config.mute })
    },
  }
}

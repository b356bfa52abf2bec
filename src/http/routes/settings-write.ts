import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import type { Context } from 'hono'
import { ConfigError, editConfig, findSpace } from '../../config/config.js'
import { addFollow, followTarget, removeFollow } from '../../config/follows.js'
import { normalizeName } from '../../spaces/names.js'
import { UsageError } from '../../usage-error.js'
import { sendError } from '../errors.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { settingsView } from './settings-view.js'

type RawConfig = Parameters<Parameters<typeof editConfig>[1]>[0]
type Body = Record<string, unknown>

/** A change checked and ready: the edit of the raw config, and what to tell the terminal. */
interface Change {
  edit: (raw: RawConfig) => void
  said: string
}

/** A refusal the user can act on; nothing is written. */
class Refused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message)
  }
}

const PAGE_UNFOLLOW = (name: string) => `unfollow @${name} first`
const MAX_TITLE = 200

/**
 * The writes of /settings (behind writeGuard 'user', like /api/mute). Each is an edit of the
 * config through editConfig, the CLI's own atomic write that keeps unknown keys and everything
 * else the user wrote, and is applied to the running gateway at once; the watcher then sees a
 * file it already serves and stays quiet (commands/serve.ts). Every answer is the whole
 * settings view, so the page can redraw from it.
 */
export function settingsWrites(state: GatewayState) {
  const route = (prepare: (body: Body) => Promise<Change> | Change) =>
    async function settingsWrite(c: Context<GatewayEnv>) {
      const fail = (status: 400 | 409 | 500, code: string, message: string) =>
        sendError(c, { status, code, message, json: true })
      const body = (await c.req.json().catch(() => undefined)) as unknown
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return fail(400, 'bad_request', 'the body must be a JSON object')
      const file = state.configFile ?? state.config.file
      if (!file) return fail(409, 'no_config', 'this gateway was started without a config file')
      try {
        // Checks that need the disk (does the folder exist?) run before the file is touched.
        const { edit, said } = await prepare(body as Body)
        const next = await editConfig(file, edit)
        state.apply(next)
        // The file on disk is good again: a broken hand edit is behind us.
        state.configError = undefined
        process.stderr.write(`syncweb: settings: ${said}\n`)
        return c.json(settingsView(state))
      } catch (error) {
        if (error instanceof Refused) return fail(error.status, 'refused', error.message)
        if (error instanceof UsageError) return fail(400, 'bad_request', error.message)
        if (error instanceof ConfigError)
          return ['(file)', '(top level)'].includes(error.field)
            ? fail(
                409,
                'config_broken',
                `${error.message}. Nothing was changed: fix the file first (see Config on /settings)`,
              )
            : fail(400, 'config_error', `that would break the config: ${error.field} ${error.rule}`)
        return fail(500, 'write_failed', `could not write the config: ${(error as Error).message}`)
      }
    }

  /** A followed space of the config file (not a demo space), by the body's `name`. */
  const notDemo = () => {
    if (state.config.file === undefined)
      throw new Refused(
        'the demo spaces are not in a config file: follow a folder of your own first',
        409,
      )
  }
  const followed = (value: unknown): string => {
    notDemo()
    const name = typeof value === 'string' ? normalizeName(value.trim()) : undefined
    if (!name || !findSpace(state.config, name))
      throw new Refused(`not following "${String(value)}"; the spaces are listed on /settings`)
    return name
  }

  return {
    /** `{"name": NAME, "path": "/absolute/folder"}`: what `syncweb follow` does. */
    follow: route(async ({ name, path }) => {
      if (typeof name !== 'string' || typeof path !== 'string')
        throw new Refused('give a "name" and the folder\'s "path"')
      const folder = path.trim().replace(/^~(?=\/|$)/, homedir())
      // A page has no working folder that a relative path could be relative to.
      if (!isAbsolute(folder))
        throw new Refused(
          `give the folder's full path, starting with / (e.g. ${join(homedir(), 'Sync', 'alice')})`,
        )
      const target = await followTarget(name, folder)
      const wasDemo = state.config.file === undefined
      return {
        edit: (raw) => {
          addFollow(raw, target.name, target.root, PAGE_UNFOLLOW)
        },
        said: `following @${target.name}: ${target.root}${wasDemo ? ' (instead of the demo spaces)' : ''}`,
      }
    }),

    /** `{"name": NAME}`: what `syncweb unfollow` does; the folder is never touched. */
    unfollow: route(({ name }) => {
      const space = followed(name)
      return { edit: (raw) => removeFollow(raw, space), said: `unfollowed @${space}` }
    }),

    /** `{"name": NAME, "title": "…"}`: the user's own name for a space; '' removes it. */
    space: route(({ name, title }) => {
      const space = followed(name)
      if (typeof title !== 'string' || title.length > MAX_TITLE)
        throw new Refused(`"title" must be text of at most ${MAX_TITLE} characters`)
      const shown = title.trim()
      return {
        edit: (raw) => {
          const entry = raw.spaces?.[space]
          if (!entry) throw new Refused(`@${space} is no longer in the config file`, 409)
          if (shown) entry.title = shown
          else delete entry.title
        },
        said: shown ? `@${space} is titled "${shown}"` : `@${space} has no title`,
      }
    }),

    /** `{"names": [NAME…]}`: which spaces are the user's own; [] for none. */
    me: route(({ names }) => {
      notDemo()
      if (!Array.isArray(names)) throw new Refused('"names" must be a list of space names')
      const mine = [...new Set(names.map(followed))]
      return {
        edit: (raw) => {
          // One name stays a string, as people write it by hand (config/me.ts reads either).
          if (mine.length === 0) delete raw.me
          else raw.me = mine.length === 1 ? mine[0] : mine
        },
        said: mine.length ? `yours: ${mine.map((n) => '@' + n).join(', ')}` : 'no space is yours',
      }
    }),
  }
}

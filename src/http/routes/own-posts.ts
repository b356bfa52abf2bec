import type { Context } from 'hono'
import { findSpace } from '../../config/config.js'
import { meSpaces } from '../../config/me.js'
import { deleteStatus, editStatus, findOwnStatus, type OwnStatus } from '../../own-posts.js'
import { PublishError } from '../../publish.js'
import {
  indexLookup,
  ownItemsOnly,
  portableRef,
  ReplyTargetError,
} from '../../timeline/reply-to.js'
import { sendError } from '../errors.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'

type Fail = (status: 400 | 404 | 500, message: string) => Response

/**
 * `POST /api/posts/edit` `{"ref", "text"}` and `POST /api/posts/delete` `{"ref"}` (behind
 * writeGuard, like posting): one of the user's own status updates, rewritten or removed
 * atomically in its folder; the sync tool carries the change to friends, the watcher to the
 * timeline. `ref` may also be a gateway URL or an item id, as for replies.
 */
export function ownPostRoutes(state: GatewayState) {
  async function find(
    c: Context<GatewayEnv>,
    fail: Fail,
  ): Promise<{ status: OwnStatus; body: Record<string, unknown> } | Response> {
    const body = (await c.req.json().catch(() => undefined)) as Record<string, unknown> | undefined
    if (!body || typeof body.ref !== 'string')
      return fail(400, 'give the status to change: {"ref": "…"} (its _syncweb.ref)')
    let ref: string
    try {
      const followed = (name: string) => findSpace(state.config, name) !== undefined
      const lookup = indexLookup(followed, state.index.store.threads)
      ref = await portableRef(body.ref, ownItemsOnly(lookup, meSpaces(state.config)))
    } catch (error) {
      if (error instanceof ReplyTargetError) return fail(400, error.message)
      throw error
    }
    for (const space of meSpaces(state.config)) {
      const root = findSpace(state.config, space)?.root
      if (!root) continue
      const hint = state.index.store.threads.pathOf(ref, space)
      const status = await findOwnStatus(root, ref, hint).catch(() => undefined)
      if (status) return { status, body }
    }
    return fail(404, `none of your own status updates has the ref ${ref}`)
  }

  const failer =
    (c: Context<GatewayEnv>): Fail =>
    (status, message) =>
      sendError(c, {
        status,
        code: status === 404 ? 'not_found' : status === 400 ? 'bad_request' : 'write_failed',
        message,
        json: true,
      })

  return {
    async edit(c: Context<GatewayEnv>) {
      const fail = failer(c)
      const found = await find(c, fail)
      if (found instanceof Response) return found
      if (typeof found.body.text !== 'string') return fail(400, '"text" must be a string')
      try {
        await editStatus(found.status, found.body.text)
      } catch (error) {
        if (error instanceof PublishError) return fail(400, error.message)
        return fail(500, `could not write the status: ${(error as Error).message}`)
      }
      return c.json({ ref: found.status.ref, path: found.status.path, edited: true })
    },

    async delete(c: Context<GatewayEnv>) {
      const fail = failer(c)
      const found = await find(c, fail)
      if (found instanceof Response) return found
      try {
        await deleteStatus(found.status)
      } catch (error) {
        return fail(500, `could not delete the status: ${(error as Error).message}`)
      }
      return c.json({ ref: found.status.ref, path: found.status.path, deleted: true })
    },
  }
}

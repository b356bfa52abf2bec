import type { Context, Next } from 'hono'
import { findSpace } from '../../config/config.js'
import { ownSpace } from '../../config/me.js'
import { PublishError, publishStatus, WriteError } from '../../publish.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { sendError } from '../errors.js'
import { indexLookup, portableRef, ReplyTargetError } from '../../timeline/reply-to.js'
import { originOf } from './timeline.js'
import { readPostImage } from './post-image.js'
import type { Limits } from '../../config/limits.js'

const isFollowed = (state: GatewayState, name: string) =>
  findSpace(state.config, name) !== undefined

/**
 * `POST /api/posts` `{"text": …, "reply_to"?: …, "image"?: {"data": BASE64}}` (behind
 * writeGuard): writes a status update into `me`, naming its parent by portable ref
 * (timeline/reply-to.ts), with the image (post-image.ts) beside it. The new item reaches the
 * timeline through the watcher, like any synced file. The body apart from the image is held to
 * `maxBodyBytes` (postBodyLimit), the image to `maxImageBytes` (app.ts lets the body through).
 */
export function postsRoute(
  state: GatewayState,
  limits: Pick<Limits, 'maxImageBytes'> = state.config.limits,
) {
  return async function createPost(c: Context<GatewayEnv>) {
    const fail = (status: 400 | 409 | 413 | 415 | 500 | 507, code: string, message: string) =>
      sendError(c, { status, code, message, json: true })
    const me = ownSpace(state.config)
    if ('problem' in me) return fail(409, 'no_me', me.problem)
    let body: unknown
    try {
      body = JSON.parse(await c.req.text())
    } catch {
      return fail(400, 'bad_request', 'the body is not valid JSON')
    }
    const { text, reply_to: replyTo, image } = (body ?? {}) as Record<string, unknown>
    const attached = image === undefined ? undefined : readPostImage(image, limits.maxImageBytes)
    if (attached && 'status' in attached)
      return fail(attached.status, attached.code, attached.message)
    if (typeof text !== 'string') return fail(400, 'bad_request', '"text" must be a string')
    if (replyTo !== undefined && typeof replyTo !== 'string') {
      return fail(400, 'bad_request', '"reply_to" must be a ref, a gateway URL or an item id')
    }
    let ref: string | undefined
    try {
      ref =
        replyTo === undefined
          ? undefined
          : await portableRef(
              replyTo,
              indexLookup((name) => isFollowed(state, name), state.index.store.threads),
            )
    } catch (error) {
      if (error instanceof ReplyTargetError) return fail(400, 'bad_request', error.message)
      throw error
    }
    try {
      const { path, id } = await publishStatus(me.root, {
        text,
        ...(ref ? { replyTo: ref } : {}),
        ...(attached ? { imageData: attached } : {}),
      })
      const url = `${originOf(c)}/@${me.name}/${path}`
      // `id` is the new item's id in the timeline: the space, then the status's own id.
      return c.json({ id: `${me.name}:${id}`, path, url }, 201, { Location: url })
    } catch (error) {
      if (error instanceof PublishError) return fail(400, 'bad_request', error.message)
      if (error instanceof WriteError) {
        const full = error.code === 'ENOSPC' || error.code === 'EDQUOT'
        return fail(full ? 507 : 500, 'write_failed', error.message)
      }
      return fail(500, 'write_failed', `could not write the status: ${(error as Error).message}`)
    }
  }
}

/**
 * Before the write guard, as the body limit of the other write routes is: a new post apart from
 * its image (`image.data`) is held to `maxBodyBytes`. Hono keeps the text it read, for the route.
 */
export function postBodyLimit(maxBodyBytes: number) {
  return async function postBodyLimit(c: Context<GatewayEnv>, next: Next) {
    const raw = await c.req.text()
    let data: unknown
    try {
      data = (JSON.parse(raw) as { image?: { data?: unknown } } | null)?.image?.data
    } catch {
      return next() // the route says what is wrong with it
    }
    const rest = Buffer.byteLength(raw) - (typeof data === 'string' ? data.length : 0)
    if (rest <= maxBodyBytes) return next()
    return sendError(c, {
      status: 413,
      code: 'too_large',
      message: `a post body is at most ${maxBodyBytes} bytes (limits.maxBodyBytes)`,
      json: true,
    })
  }
}

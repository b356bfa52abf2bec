import type { Context } from 'hono'
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
 * `maxBodyBytes`, the image to `maxImageBytes` (app.ts lets the body through for both).
 */
export function postsRoute(
  state: GatewayState,
  limits: Pick<Limits, 'maxBodyBytes' | 'maxImageBytes'> = state.config.limits,
) {
  return async function createPost(c: Context<GatewayEnv>) {
    const fail = (status: 400 | 409 | 413 | 415 | 500 | 507, code: string, message: string) =>
      sendError(c, { status, code, message, json: true })
    const me = ownSpace(state.config)
    if ('problem' in me) return fail(409, 'no_me', me.problem)
    const raw = await c.req.text()
    let body: unknown
    try {
      body = JSON.parse(raw)
    } catch {
      return fail(400, 'bad_request', 'the body is not valid JSON')
    }
    const { text, reply_to: replyTo, image } = (body ?? {}) as Record<string, unknown>
    const imageChars = (image as { data?: unknown } | undefined)?.data
    const rest = Buffer.byteLength(raw) - (typeof imageChars === 'string' ? imageChars.length : 0)
    if (rest > limits.maxBodyBytes)
      return fail(
        413,
        'too_large',
        `a post body is at most ${limits.maxBodyBytes} bytes (limits.maxBodyBytes)`,
      )
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

import { randomBytes } from 'node:crypto'
import { mkdir, rm, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { copyFileAtomic, writeFileAtomic } from './atomic.js'
import { realFolder } from './spaces/folder.js'
import { stripXmlForbidden } from './timeline/xml-text.js'

export interface NewStatus {
  text: string
  /** The parent's portable ref (timeline/reply-to.ts portableRef makes one of a URL or an id). */
  replyTo?: string
  /** A file to copy next to the status and reference relatively. */
  image?: string
  /** Image bytes (the compose box's attachment) to write next to the status, with their type. */
  imageData?: { bytes: Uint8Array; ext: string }
}

export const MAX_STATUS_LENGTH = 10_000

/** A publishing mistake the user can fix (exit code 2 / HTTP 400). */
export class PublishError extends Error {}

/** The disk refused the write (exit code 1 / HTTP 507 or 500); nothing was left behind. */
export class WriteError extends Error {
  constructor(
    message: string,
    /** The system's error code (ENOSPC, EROFS …). */
    readonly code: string | undefined,
  ) {
    super(message)
  }
}

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full; free some space and post again',
  EDQUOT: 'you are over your disk quota; free some space and post again',
  EROFS:
    'it is on a read-only file system; remount it read-write, or set "me" to a writable folder',
  EACCES: 'permission denied; make it writable for this user',
  EPERM: 'permission denied; make it writable for this user',
}

function writeFailed(root: string, error: unknown): WriteError {
  const code = (error as NodeJS.ErrnoException).code
  const why = (code && WRITE_FAILURES[code]) ?? (error as Error).message
  return new WriteError(
    `could not write to your space's folder ${root}: ${why}. Nothing was written.`,
    code,
  )
}

/** What publishStatus wrote. */
export interface Published {
  /** The status file, relative to the space root. */
  path: string
  /** The status's own `id` (128 random bits, hex): its ref on every reader's gateway. */
  id: string
}

// A new random name on a collision; eight collisions in a row mean something else is wrong.
const MAX_ATTEMPTS = 8

/**
 * Writes a status update into a space, as DESIGN.md "Publishing" says:
 * `status/YYYY/MM/YYYY-MM-DDTHH-MM-SSZ-XXXXXXXX.json`, through a temp file in the same folder,
 * so that a sync tool never ships half a file, and never over an existing file: a burst of posts
 * in the same second each gets its own file. Characters XML forbids are dropped from the text.
 */
export async function publishStatus(
  root: string,
  status: NewStatus,
  now = new Date(),
): Promise<Published> {
  const text = stripXmlForbidden(status.text).trim()
  if (!text) throw new PublishError('a status needs some text')
  if (text.length > MAX_STATUS_LENGTH)
    throw new PublishError(`a status is at most ${MAX_STATUS_LENGTH} characters`)
  const replyTo =
    status.replyTo === undefined ? undefined : stripXmlForbidden(status.replyTo).trim()
  if (replyTo !== undefined && (!replyTo || replyTo.length > 1024)) {
    throw new PublishError('the post to reply to must be named by its ref, of 1-1024 characters')
  }
  const real = await realFolder(root)
  if (!real)
    throw new Error(`your space's folder ${root} is missing; create it or fix "me" in the config`)

  try {
    return await write(real, { ...status, ...(replyTo ? { replyTo } : {}) }, text, now)
  } catch (error) {
    if (error instanceof PublishError) throw error
    throw writeFailed(root, error)
  }
}

async function write(real: string, status: NewStatus, text: string, now: Date): Promise<Published> {
  const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const dir = join('status', iso.slice(0, 4), iso.slice(5, 7))
  if (status.image) {
    const info = await stat(status.image).catch(() => undefined)
    if (!info?.isFile()) throw new PublishError(`--image ${status.image} is not a file`)
  }
  await mkdir(join(real, dir), { recursive: true })
  const id = randomBytes(16).toString('hex')
  for (let attempt = 1; ; attempt++) {
    // 32 random bits: 1,500 posts in one second collide with odds of about 1 in 4,000, and a
    // collision only costs a retry, since nothing is ever written over an existing file.
    const name = `${iso.replaceAll(':', '-')}-${randomBytes(4).toString('hex')}`
    try {
      return { path: await writeAs(real, dir, name, { id, text, date: iso }, status), id }
    } catch (error) {
      const taken = (error as NodeJS.ErrnoException).code === 'EEXIST'
      if (!taken || attempt === MAX_ATTEMPTS) throw error
    }
  }
}

/** Writes the image (if any), then the status, both as `dir/name.*`; fails with EEXIST if taken. */
async function writeAs(
  real: string,
  dir: string,
  name: string,
  fields: { id: string; text: string; date: string },
  status: NewStatus,
): Promise<string> {
  let image: string | undefined
  if (status.image) {
    image = `${name}${extname(status.image).toLowerCase()}`
    await copyFileAtomic(status.image, join(real, dir, image), { noReplace: true })
  } else if (status.imageData) {
    // Named like the status, so that deleting the status (own-posts.ts) takes it along.
    image = `${name}${status.imageData.ext}`
    await writeFileAtomic(join(real, dir, image), status.imageData.bytes, { noReplace: true })
  }
  const body = {
    ...fields,
    ...(status.replyTo ? { reply_to: status.replyTo } : {}),
    ...(image ? { image } : {}),
  }
  const path = `${dir}/${name}.json`
  try {
    await writeFileAtomic(join(real, path), JSON.stringify(body, null, 2) + '\n', {
      noReplace: true,
    })
  } catch (error) {
    // The image is ours (noReplace created it): without its status it is an orphan.
    if (image) await rm(join(real, dir, image), { force: true })
    throw error
  }
  return path
}

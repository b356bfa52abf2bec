import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { writeFileAtomic } from './atomic.js'
import { realFolder } from './resolve.js'

export interface NewStatus {
  text: string
  replyTo?: string
  /** A file to copy next to the status and reference relatively. */
  image?: string
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

/**
 * Writes a status update into a space, as DESIGN.md "Publishing" says:
 * `status/YYYY/MM/YYYY-MM-DDTHH-MM-SSZ-XXXX.json`, through a temp file in the same folder and a
 * rename, so that a sync tool never ships half a file. Returns the path inside the space.
 */
export async function publishStatus(
  root: string,
  status: NewStatus,
  now = new Date(),
): Promise<string> {
  const text = status.text.trim()
  if (!text) throw new PublishError('a status needs some text')
  if (text.length > MAX_STATUS_LENGTH)
    throw new PublishError(`a status is at most ${MAX_STATUS_LENGTH} characters`)
  if (status.replyTo !== undefined && !/^(https?:\/\/|\/)/.test(status.replyTo)) {
    throw new PublishError('--reply-to must be a URL (http://… or a /@name/… path)')
  }
  const real = await realFolder(root)
  if (!real)
    throw new Error(`your space's folder ${root} is missing; create it or fix "me" in the config`)

  try {
    return await write(real, status, text, now)
  } catch (error) {
    if (error instanceof PublishError) throw error
    throw writeFailed(root, error)
  }
}

async function write(real: string, status: NewStatus, text: string, now: Date): Promise<string> {
  const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const dir = join('status', iso.slice(0, 4), iso.slice(5, 7))
  const suffix = randomBytes(3).toString('hex').slice(0, 4)
  const name = `${iso.replaceAll(':', '-')}-${suffix}`
  await mkdir(join(real, dir), { recursive: true })

  let image: string | undefined
  if (status.image) {
    const info = await stat(status.image).catch(() => undefined)
    if (!info?.isFile()) throw new PublishError(`--image ${status.image} is not a file`)
    image = `${name}${extname(status.image).toLowerCase()}`
    await copyAtomic(status.image, join(real, dir, image))
  }
  const body = {
    text,
    date: iso,
    ...(status.replyTo ? { reply_to: status.replyTo } : {}),
    ...(image ? { image } : {}),
  }
  const path = `${dir}/${name}.json`
  try {
    await writeFileAtomic(join(real, path), JSON.stringify(body, null, 2) + '\n')
  } catch (error) {
    if (image) await rm(join(real, dir, image), { force: true })
    throw error
  }
  return path
}

async function copyAtomic(from: string, to: string) {
  const temp = join(to, '..', `.${basename(to)}.${process.pid}.tmp`)
  try {
    await copyFile(from, temp)
    await rename(temp, to)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

import { open, readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { copyFileAtomic, writeFileAtomic } from './atomic.js'
import { cleanText, MAX_DESCRIPTION, MAX_LINKS, MAX_NAME } from './index/parsers/profile-fields.js'
import { NestingError, parseJson } from './nesting.js'
import { PublishError } from './publish.js'
import { safeHttpUrl } from './safe-url.js'
import { realFolder } from './spaces/folder.js'

/** What `syncweb profile` changes; an empty string removes that field. */
export interface ProfileChanges {
  name?: string
  nick?: string
  description?: string
  /** Replaces the list; `['']` empties it. */
  links?: string[]
  /** An image file to copy beside profile.json as `avatar.EXT`. */
  avatar?: string
}

export const MAX_AVATAR_BYTES = 1024 * 1024

// What each image type starts with: a file named .png that is not one is a mistake to report.
const IMAGE_TYPES: Record<string, (head: Buffer) => boolean> = {
  '.png': (h) => h.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
  '.jpg': (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff,
  '.jpeg': (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff,
  '.gif': (h) => /^GIF8[79]a/.test(h.toString('latin1', 0, 6)),
  '.webp': (h) => h.toString('latin1', 0, 4) === 'RIFF' && h.toString('latin1', 8, 12) === 'WEBP',
  '.svg': (h) => /<svg[\s>]/i.test(h.toString('utf8')),
}

/** `@nick` as mentions read it (refs.ts mentionTokens): one word, not ending in `.` or `-`. */
const NICK = /^[\p{L}\p{N}](?:[\p{L}\p{N}_.-]{0,62}[\p{L}\p{N}_])?$/u

/** The profile.json of a space's folder as written (unknown fields too); {} when there is none. */
export async function readProfileFile(root: string): Promise<Record<string, unknown>> {
  const real = await folderOf(root)
  let text: string
  try {
    text = await readFile(join(real, 'profile.json'), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  let data: unknown
  try {
    data = parseJson(text, 'profile.json')
  } catch (error) {
    const why = error instanceof NestingError ? error.message : 'it is not valid JSON'
    throw new PublishError(
      `${join(real, 'profile.json')} cannot be read: ${why}. Fix it or delete it, then try again`,
    )
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PublishError(
      `${join(real, 'profile.json')} is not a JSON object. Fix it or delete it, then try again`,
    )
  }
  return data as Record<string, unknown>
}

/**
 * Merges `changes` into the profile.json of a space's folder (fields not given and fields it
 * does not know are kept) and writes it atomically, so that a sync tool never ships half of
 * it. The avatar is copied first, atomically too, so that profile.json never names an image
 * that is not there yet. Returns what was written.
 */
export async function writeProfile(
  root: string,
  changes: ProfileChanges,
): Promise<{ file: string; profile: Record<string, unknown>; avatar?: string }> {
  const real = await folderOf(root)
  const profile = await readProfileFile(real)
  const set = (key: string, value: string | string[] | undefined) => {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) delete profile[key]
    else profile[key] = value
  }
  if (changes.name !== undefined) set('name', checked('--name', changes.name, MAX_NAME))
  if (changes.nick !== undefined) {
    const nick = checked('--nick', changes.nick, MAX_NAME)
    if (nick && !NICK.test(nick)) {
      throw new PublishError(
        `--nick "${nick}" must be one word of letters, digits, _ . and - (friends mention you as @nick)`,
      )
    }
    set('nick', nick)
  }
  if (changes.description !== undefined)
    set('description', checked('--description', changes.description, MAX_DESCRIPTION))
  if (changes.links !== undefined) set('links', checkedLinks(changes.links))
  let avatar: string | undefined
  if (changes.avatar !== undefined) {
    const ext = await checkedImage(changes.avatar)
    avatar = `avatar${ext}`
    await copyFileAtomic(changes.avatar, join(real, avatar))
    profile.avatar = avatar
  }
  const file = join(real, 'profile.json')
  await writeFileAtomic(file, JSON.stringify(profile, null, 2) + '\n')
  return { file, profile, ...(avatar ? { avatar: join(real, avatar) } : {}) }
}

async function folderOf(root: string): Promise<string> {
  const real = await realFolder(root)
  if (!real) {
    throw new Error(`your space's folder ${root} is missing; create it or fix "me" in the config`)
  }
  return real
}

function checked(option: string, value: string, max: number): string | undefined {
  const text = cleanText(value, Infinity)
  if (text && text.length > max) throw new PublishError(`${option} is at most ${max} characters`)
  return text
}

function checkedLinks(values: string[]): string[] {
  const given = values.map((v) => v.trim()).filter(Boolean)
  if (given.length > MAX_LINKS) throw new PublishError(`at most ${MAX_LINKS} --link options`)
  return given.map((value) => {
    const url = safeHttpUrl(value)
    if (!url) throw new PublishError(`--link ${value} must be an http:// or https:// URL`)
    return url
  })
}

/** The image's extension, lower-case, once it is a file of an allowed type, size and content. */
async function checkedImage(path: string): Promise<string> {
  const ext = extname(path).toLowerCase()
  const allowed = Object.keys(IMAGE_TYPES)
  if (!IMAGE_TYPES[ext]) {
    throw new PublishError(
      `--avatar ${path} is not an image syncweb takes: use a ${allowed.join(', ')} file`,
    )
  }
  const info = await stat(path).catch(() => undefined)
  if (!info?.isFile()) throw new PublishError(`--avatar ${path} is not a file`)
  if (info.size > MAX_AVATAR_BYTES) {
    throw new PublishError(
      `--avatar ${path} is ${Math.ceil(info.size / 1024)} KB; an avatar is at most 1 MB (make it smaller, e.g. 256x256)`,
    )
  }
  const handle = await open(path, 'r')
  // An SVG may open with an XML declaration and a comment or two before its <svg>.
  const head = Buffer.alloc(4096)
  try {
    await handle.read(head, 0, head.length, 0)
  } finally {
    await handle.close()
  }
  if (!IMAGE_TYPES[ext]!(head)) {
    throw new PublishError(`--avatar ${path} does not look like a ${ext.slice(1)} image`)
  }
  return ext
}

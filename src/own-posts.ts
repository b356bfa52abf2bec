import { readdir, readFile, rm } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { writeFileAtomic } from './atomic.js'
import { parseStatus } from './index/parsers/status.js'
import { PublishError, MAX_STATUS_LENGTH } from './publish.js'
import { realFolder } from './spaces/folder.js'
import { stripXmlForbidden } from './timeline/xml-text.js'

/** One of the user's own status updates, found by its ref. */
export interface OwnStatus {
  /** The real folder of the space, and the file's path in it. */
  real: string
  path: string
  data: Record<string, unknown>
  ref: string
}

/**
 * Finds a status update of one of my spaces by its ref: its `id`, or (for one without) the ref
 * derived from its date and text, as the timeline computes it. `hint`, a path the index gave,
 * is tried first; else the space's `status/` folder is read (it is the user's own, not a
 * friend's).
 */
export async function findOwnStatus(
  root: string,
  ref: string,
  hint?: string,
): Promise<OwnStatus | undefined> {
  const real = await realFolder(root)
  if (!real) throw new Error(`your space's folder ${root} is missing`)
  const candidates = hint ? [hint] : []
  const listed = await readdir(join(real, 'status'), { recursive: true }).catch(() => [])
  for (const name of listed.map(String).sort().reverse())
    if (name.endsWith('.json')) candidates.push(`status/${name}`)
  for (const path of candidates) {
    const text = await readFile(join(real, path), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    const item = parseStatus({ space: 'me', path, text, mtimeMs: 0 }).items[0]
    if (item?.ref === ref) return { real, path, data: JSON.parse(text), ref }
  }
  return undefined
}

/**
 * Rewrites the text of one of my status updates, atomically: its HTML is dropped (the new text
 * is what it says now), `updated` set, and its ref written as `id` if it had none, so that
 * replies keep their parent when the text that made the ref changes.
 */
export async function editStatus(status: OwnStatus, text: string, now = new Date()): Promise<void> {
  const clean = stripXmlForbidden(text).trim()
  if (!clean) throw new PublishError('a status needs some text')
  if (clean.length > MAX_STATUS_LENGTH)
    throw new PublishError(`a status is at most ${MAX_STATUS_LENGTH} characters`)
  const {
    html: _html,
    content_html: _contentHtml,
    content_text: _contentText,
    ...rest
  } = status.data
  const next = {
    ...rest,
    id: status.data.id ?? status.ref,
    text: clean,
    updated: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }
  await writeFileAtomic(join(status.real, status.path), JSON.stringify(next, null, 2) + '\n')
}

/** Deletes one of my status updates, and the image `syncweb post --image` put beside it. */
export async function deleteStatus(status: OwnStatus): Promise<void> {
  const file = join(status.real, status.path)
  await rm(file)
  const image = status.data.image
  const stem = basename(status.path, '.json')
  if (
    typeof image === 'string' &&
    basename(image) === image &&
    image.startsWith(`${stem}.`) &&
    extname(image)
  )
    await rm(join(dirname(file), image), { force: true })
}

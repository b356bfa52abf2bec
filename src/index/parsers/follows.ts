import { NestingError, parseJson } from '../../nesting.js'
import { safeHttpUrl } from '../../safe-url.js'
import { trimmed } from './fields.js'

/** One entry of a space's list of whom it follows (README "Follows"). */
export interface Follow {
  name: string
  title?: string
  /** A Syncthing folder id. */
  syncthing?: string
  /** A Resilio Sync read-only key. */
  resilio?: string
  /** Only ever an http(s) URL that passed safeHttpUrl: pages write it as a link. */
  url?: string
}

const MAX_FOLLOWS = 500

/**
 * `follows.json` at a space's root: `[{"name", "title"?, "syncthing"?, "resilio"?, "url"?}]`.
 * It maps the keys sync tools use (folder ids, read-only keys) to human names.
 */
export function parseFollows(text: string): { follows: Follow[] } | { problem: string } {
  let data: unknown
  try {
    data = parseJson(text, 'follows.json')
  } catch (error) {
    if (error instanceof NestingError) return { problem: error.message }
    return { problem: `not valid JSON: ${(error as Error).message}` }
  }
  if (!Array.isArray(data)) return { problem: 'follows.json must be a list of {"name": …} objects' }
  const follows: Follow[] = []
  for (const [i, entry] of data.slice(0, MAX_FOLLOWS).entries()) {
    if (typeof entry !== 'object' || entry === null)
      return { problem: `entry ${i + 1} is not an object` }
    const e = entry as Record<string, unknown>
    const str = (v: unknown) => trimmed(v, 200)
    const name = str(e.name)
    if (!name) return { problem: `entry ${i + 1} has no "name"` }
    const url = safeHttpUrl(e.url)
    follows.push({
      name,
      ...(str(e.title) ? { title: str(e.title)! } : {}),
      ...(str(e.syncthing) ? { syncthing: str(e.syncthing)! } : {}),
      ...(str(e.resilio) ? { resilio: str(e.resilio)! } : {}),
      ...(url ? { url } : {}),
    })
  }
  return { follows }
}

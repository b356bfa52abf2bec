import { NestingError, parseJson } from '../../nesting.js'
import { safeHttpUrl } from '../../safe-url.js'
import { cleanText, MAX_DESCRIPTION, MAX_LINKS, MAX_NAME, spaceFilePath } from './profile-fields.js'

/**
 * What `profile.json` at a space's root says about who the space is (DESIGN.md "Conversations
 * and people"), every field checked: strings trimmed and bounded, `avatar` a path inside the
 * space, `links` only http(s) URLs that passed safeHttpUrl.
 */
export interface Profile {
  name?: string
  nick?: string
  /** A path in the space (`img/me.png`), never a URL. */
  avatar?: string
  description?: string
  links?: string[]
}

/**
 * Reads `profile.json`: `{"name", "nick", "avatar", "description", "links": [URL…]}`, all
 * optional. Text that is not a JSON object is the file's problem (and no profile); a field that
 * cannot be used is left out and named in the problem, and the rest is kept.
 * @example parseProfile('{"name": "Bob", "avatar": "./me.png"}') // {profile: {name: 'Bob', avatar: 'me.png'}}
 */
export function parseProfile(text: string): { profile?: Profile; problem?: string } {
  let data: unknown
  try {
    data = parseJson(text, 'profile.json')
  } catch (error) {
    if (error instanceof NestingError) return { problem: error.message }
    return { problem: `not valid JSON: ${(error as Error).message}` }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { problem: 'profile.json must be an object: {"name": …, "avatar": …}' }
  }
  const o = data as Record<string, unknown>
  const ignored: string[] = []
  const name = cleanText(o.name, MAX_NAME)
  const nick = cleanText(o.nick, MAX_NAME)
  const description = cleanText(o.description, MAX_DESCRIPTION)
  const avatar = spaceFilePath(o.avatar)
  if (o.avatar !== undefined && !avatar) {
    ignored.push('"avatar" (it must be a path inside the space, like "avatar.png")')
  }
  const raw = Array.isArray(o.links) ? o.links : o.links === undefined ? [] : [o.links]
  const checked = raw.slice(0, 64).map(safeHttpUrl)
  const links = [...new Set(checked.filter((l) => l !== undefined))]
  if (checked.includes(undefined)) ignored.push('links that are not http(s) URLs')
  if (links.length > MAX_LINKS) ignored.push(`links after the first ${MAX_LINKS}`)
  const profile: Profile = {
    ...(name ? { name } : {}),
    ...(nick ? { nick } : {}),
    ...(avatar ? { avatar } : {}),
    ...(description ? { description } : {}),
    ...(links.length ? { links: links.slice(0, MAX_LINKS) } : {}),
  }
  return {
    profile,
    ...(ignored.length ? { problem: `ignored ${ignored.join(', ')}` } : {}),
  }
}

import type { MuteSettings } from '../config/config.js'
import { KINDS, type ItemKind } from '../index/item.js'
import { decodeCursor, type Audience, type Mute, type Query } from '../index/query.js'
import { ftsQuery } from '../index/store/fts-query.js'
import { normalizeName } from '../spaces/names.js'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

/** The filters of `/timeline`, `/timeline.json`, `/timeline.xml` and `/events`. */
export interface TimelineParams {
  query: Query
  /** The query string to carry into "older" links and `next_url`, without `before`. */
  keep: URLSearchParams
}

/** What reading the parameters needs to know of the user's config. */
export interface ParamsContext {
  knownSpace(name: string): boolean
  /** Who "me" is, for `to=me`; undefined when no space is "me". */
  audience(): Audience | undefined
  mute: MuteSettings
}

/** A ref given in `thread=` is at most this long. */
const MAX_REF = 1024

/**
 * Reads `space`, `kind`, `tag`, `q`, `thread`, `to`, `muted`, `limit` and `before`; a bad value
 * is an Error whose message says which parameter and what it accepts (the route answers 400).
 * The config's mutes apply unless `muted=include`.
 */
export function parseTimelineParams(
  search: URLSearchParams,
  context: ParamsContext,
): TimelineParams {
  const knownSpaces = (name: string) => context.knownSpace(name)
  const keep = new URLSearchParams()
  const query: Query = { limit: DEFAULT_LIMIT }
  const list = (name: string) =>
    (search.get(name) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)

  if (search.has('space')) {
    const names = list('space').map((input) => {
      const name = normalizeName(input)
      if (!name || !knownSpaces(name)) throw new Error(`space: no space named "${input}"`)
      return name
    })
    if (!names.length) throw new Error('space: give one or more space names, e.g. space=alice,bob')
    query.spaces = new Set(names)
    keep.set('space', names.join(','))
  }
  if (search.has('kind')) {
    const kinds = list('kind')
    const bad = kinds.find((k) => !KINDS.includes(k as ItemKind))
    if (bad !== undefined || !kinds.length) {
      throw new Error(`kind: "${bad ?? ''}" is not one of ${KINDS.join(', ')}`)
    }
    query.kinds = new Set(kinds as ItemKind[])
    keep.set('kind', kinds.join(','))
  }
  if (search.has('tag')) {
    const tag = (search.get('tag') ?? '').trim().replace(/^#/, '')
    if (!tag || tag.length > 64) throw new Error('tag: give a tag of 1-64 characters')
    query.tag = tag
    keep.set('tag', tag)
  }
  if (search.has('q')) {
    const q = search.get('q') ?? ''
    query.match = ftsQuery(q)
    keep.set('q', q.trim())
  }
  if (search.has('thread')) {
    const ref = (search.get('thread') ?? '').trim()
    if (!ref || ref.length > MAX_REF)
      throw new Error(
        `thread: give the ref of an item (_syncweb.ref), at most ${MAX_REF} characters`,
      )
    query.thread = ref
    keep.set('thread', ref)
  }
  if (search.has('to')) {
    if (search.get('to') !== 'me') throw new Error('to: the only value is "me"')
    const audience = context.audience()
    if (!audience)
      throw new Error(
        'to: say which space is yours first: tick "This space is yours" on /settings, or set "me" in the config',
      )
    query.to = audience
    keep.set('to', 'me')
  }
  if (search.has('muted')) {
    if (search.get('muted') !== 'include') throw new Error('muted: the only value is "include"')
    keep.set('muted', 'include')
  } else {
    const mute = muteQuery(context.mute)
    if (mute) query.mute = mute
  }
  if (search.has('limit')) {
    const raw = search.get('limit') ?? ''
    const limit = Number(raw)
    if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) {
      throw new Error(`limit: must be a whole number from 1 to ${MAX_LIMIT}`)
    }
    query.limit = limit
    keep.set('limit', raw)
  }
  if (search.has('before')) {
    const cursor = decodeCursor(search.get('before') ?? '')
    if (!cursor) throw new Error('before: not a cursor from this timeline (use next_url)')
    query.before = cursor
  }
  return { query, keep }
}

/** The config's mutes as a query's: the words as one full-text expression; undefined if none. */
export function muteQuery(settings: MuteSettings): Mute | undefined {
  const { spaces, tags, words } = settings
  if (!spaces.length && !tags.length && !words.length) return undefined
  // Each word or phrase as a phrase; any of them mutes an item.
  const match = words
    .flatMap((word) => {
      try {
        return [`(${ftsQuery(`"${word.replace(/"/g, ' ')}"`)})`]
      } catch {
        return []
      }
    })
    .join(' OR ')
  return { spaces, tags, ...(match ? { match } : {}) }
}

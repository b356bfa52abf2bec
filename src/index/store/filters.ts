import type { ItemKind } from '../item.js'
import { mutes, type Query } from '../query.js'

/** SQL for what a timeline query keeps: its WHERE terms and their parameters, in order. */
export interface Filters {
  where: string[]
  params: unknown[]
}

// An item's key in the full-text index (its docs row's key).
const KEY = '(SELECT key FROM docs WHERE docs.rowid = items.rowid)'

const list = (values: readonly unknown[]) => values.map(() => '?').join(',')

/**
 * The filters of a query, for `items` joined as `items`: the horizon, spaces, kinds, tag,
 * full text, notifications (`to`) and mutes. Pages of the timeline and conversations share them.
 */
export function filtersOf(query: Omit<Query, 'limit'>, horizon: number): Filters {
  const where = ['items.date <= ?']
  const params: unknown[] = [horizon]
  if (query.spaces) {
    where.push(`items.space IN (${list([...query.spaces])})`)
    params.push(...query.spaces)
  }
  if (query.kinds) {
    where.push(`items.kind IN (${list([...query.kinds])})`)
    params.push(...(query.kinds as Set<ItemKind>))
  }
  if (query.tag) {
    // `tags.tag` compares without case: #Rust is #rust.
    where.push('items.rowid IN (SELECT item FROM tags WHERE tag = ?)')
    params.push(query.tag)
  }
  if (query.match) {
    where.push(`${KEY} IN (SELECT rowid FROM search WHERE search MATCH ?)`)
    params.push(query.match)
  }
  if (query.to) {
    const { spaces, tokens } = query.to
    // Replies to my items (by ref, or by an old gateway URL naming my space) and mentions of
    // me, never my own items.
    const sources = [
      `SELECT c.rowid FROM items p JOIN items c ON c.reply_ref = p.ref WHERE p.space IN (${list(spaces)})`,
      ...spaces.map(() => 'SELECT rowid FROM items WHERE reply_file >= ? AND reply_file < ?'),
      ...(tokens.length ? [`SELECT item FROM mentions WHERE token IN (${list(tokens)})`] : []),
    ]
    where.push(`items.space NOT IN (${list(spaces)})`)
    where.push(`items.rowid IN (${sources.join(' UNION ')})`)
    params.push(...spaces, ...spaces, ...spaces.flatMap((s) => [`${s}/`, `${s}0`]), ...tokens)
  }
  if (mutes(query.mute)) {
    const { spaces, tags, match } = query.mute
    if (spaces.length) {
      where.push(`items.space NOT IN (${list(spaces)})`)
      params.push(...spaces)
    }
    if (tags.length) {
      where.push(`items.rowid NOT IN (SELECT item FROM tags WHERE tag IN (${list(tags)}))`)
      params.push(...tags)
    }
    if (match) {
      where.push(`${KEY} NOT IN (SELECT rowid FROM search WHERE search MATCH ?)`)
      params.push(match)
    }
  }
  return { where, params }
}

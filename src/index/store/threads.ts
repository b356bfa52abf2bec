import type { Item } from '../item.js'
import type { Audience, Query } from '../query.js'
import type { Db } from './db.js'
import { filtersOf } from './filters.js'
import { fromRow, ITEM_COLUMNS, type ItemRow } from './rows.js'
import type { Statements } from './statements.js'

/** How far up a reply's ancestors are followed, and how deep a conversation is read. */
export const MAX_DEPTH = 256
/** The most items a conversation lists (the oldest first). */
export const MAX_THREAD = 2000
/** Replies below an item are counted up to this. */
export const MAX_REPLIES_COUNTED = 10_000

/** Where an item stands in its conversation (DESIGN.md "Conversations and people"). */
export interface ThreadInfo {
  /** The parent's ref (an old gateway URL resolved to the ref of the item it names). */
  replyTo?: string
  /** The parent, when the index has it. */
  parent?: Item
  /** The conversation's root ref: the topmost ancestor known, or the ref it answers. */
  thread?: string
  /** How many items are below it in the conversation. */
  replies: number
}

interface Link {
  ref: string
  reply_ref: string | null
  reply_file: string | null
}

// The refs below a ref: the replies that name it, and (once the index is built, since it needs
// the lookup by ref) those that name its item by an old gateway URL. UNION keeps each ref once,
// so a cycle or a ref copied into many items costs one visit; the LIMIT bounds a crafted flood.
const BELOW = (limit: number, byFile: boolean) => `WITH RECURSIVE below(ref) AS (
  SELECT ?
  UNION
  SELECT c.ref FROM below b JOIN items c ON c.reply_ref = b.ref
  ${byFile ? "UNION SELECT c.ref FROM below b JOIN items p ON p.ref = b.ref JOIN items c ON c.reply_file = p.space || '/' || p.path" : ''}
  LIMIT ${limit}
)`

/**
 * Conversations in the index: a reply names its parent by ref (or, in old posts, by a gateway
 * URL); the root is the topmost ancestor. Everything is found through the reply indexes, which
 * hold only replies and so stay current from the first build on.
 */
export class Threads {
  readonly #byRef
  readonly #byFile
  readonly #byId

  constructor(
    readonly db: Db,
    readonly sql: Statements,
    readonly built: () => boolean,
  ) {
    // Of items sharing a ref (a copied id), the oldest is the one replies answer.
    this.#byRef = db.prepare(
      `SELECT ${ITEM_COLUMNS} FROM items JOIN docs ON docs.rowid = items.rowid WHERE items.ref = ? ORDER BY items.date, items.id LIMIT 1`,
    )
    this.#byId = db.prepare(
      `SELECT ${ITEM_COLUMNS} FROM items JOIN docs ON docs.rowid = items.rowid WHERE items.id = ?`,
    )
    this.#byFile = db.prepare(
      `SELECT ${ITEM_COLUMNS} FROM items JOIN docs ON docs.rowid = items.rowid WHERE items.space = ? AND items.path = ? ORDER BY items.date, items.id LIMIT 1`,
    )
  }

  /** The item a ref names (the oldest, if several claim it). */
  byRef(ref: string): ItemRow | undefined {
    return this.#byRef.get(ref) as ItemRow | undefined
  }

  /** The item of that id (a JSON Feed item's `id`). */
  byId(id: string): Item | undefined {
    const row = this.#byId.get(id) as ItemRow | undefined
    return row && fromRow(row)
  }

  /** The file of a space that holds the item of that ref (the oldest, if several). */
  pathOf(ref: string, space: string): string | undefined {
    const sql = 'SELECT path FROM items WHERE ref = ? AND space = ? ORDER BY date LIMIT 1'
    return (this.sql.prepared(sql).raw().get(ref, space) as [string] | undefined)?.[0]
  }

  /** The (oldest) item a file of a space holds. */
  byFile(space: string, path: string): Item | undefined {
    const row = this.#byFile.get(space, path) as ItemRow | undefined
    return row && fromRow(row)
  }

  /** The item a reply answers, and the parent's ref (known even when the item is not). */
  parentOf(link: Link): { ref?: string; row?: ItemRow } {
    if (link.reply_ref !== null) return { ref: link.reply_ref, row: this.byRef(link.reply_ref) }
    if (link.reply_file === null) return {}
    const slash = link.reply_file.indexOf('/')
    const row = this.#byFile.get(
      link.reply_file.slice(0, slash),
      link.reply_file.slice(slash + 1),
    ) as ItemRow | undefined
    return row ? { ref: row.ref, row } : {}
  }

  /**
   * The root of the conversation a ref belongs to: up through the parents while the index has
   * them; a parent nobody followed is the root, by its ref. `memo` shares walks between items.
   */
  rootOf(ref: string, memo = new Map<string, string>()): string {
    const path: string[] = []
    let current = ref
    let root: string | undefined
    while (root === undefined) {
      const known = memo.get(current)
      if (known !== undefined) root = known
      else if (path.length >= MAX_DEPTH || path.includes(current)) root = current
      else {
        path.push(current)
        const row = this.byRef(current)
        const parent = row && this.parentOf(row).ref
        if (parent === undefined) root = current
        else current = parent
      }
    }
    for (const step of path) memo.set(step, root)
    return root
  }

  /** Whether a (new) item belongs to the conversation of that root. */
  inThread(item: Item, root: string): boolean {
    if (item.ref === root) return true
    const { ref } = this.parentOf({
      ref: item.ref,
      reply_ref: item.replyTo ?? null,
      reply_file: item.replyFile ?? null,
    })
    return ref !== undefined && this.rootOf(ref) === root
  }

  /** Whether a (new) item replies to or mentions me (the rule of filters.ts `to`, for one item). */
  isForMe(item: Item, me: Audience): boolean {
    if (me.spaces.includes(item.space)) return false
    if (item.mentions?.some((token) => me.tokens.includes(token))) return true
    if (item.replyFile) return me.spaces.some((space) => item.replyFile!.startsWith(`${space}/`))
    if (item.replyTo === undefined) return false
    const sql = `SELECT 1 FROM items WHERE ref = ? AND space IN (${me.spaces.map(() => '?').join(',')}) LIMIT 1`
    return (
      this.sql
        .prepared(sql)
        .raw()
        .get(item.replyTo, ...me.spaces) !== undefined
    )
  }

  /** How many items are below a ref in its conversation (at most MAX_REPLIES_COUNTED). */
  repliesBelow(ref: string): number {
    const sql = `${BELOW(MAX_REPLIES_COUNTED + 1, this.built())} SELECT count(*) - 1 FROM below`
    const [count] = this.sql.prepared(sql).raw().get(ref) as [number]
    return Math.min(Number(count), MAX_REPLIES_COUNTED)
  }

  /** Where each item stands in its conversation, for a page of the timeline or a feed. */
  infoOf(items: readonly Item[]): Map<string, ThreadInfo> {
    const memo = new Map<string, string>()
    const out = new Map<string, ThreadInfo>()
    for (const item of items) {
      const { ref: replyTo, row } = this.parentOf({
        ref: item.ref,
        reply_ref: item.replyTo ?? null,
        reply_file: item.replyFile ?? null,
      })
      const replies = this.repliesBelow(item.ref)
      const thread =
        replyTo !== undefined ? this.rootOf(replyTo, memo) : replies ? item.ref : undefined
      out.set(item.id, {
        replies,
        ...(replyTo !== undefined ? { replyTo } : {}),
        ...(row ? { parent: fromRow(row) } : {}),
        ...(thread !== undefined ? { thread } : {}),
      })
    }
    return out
  }

  /**
   * One conversation: the items whose ref is the root's, then every item below it, oldest
   * first, each with its depth (for the page's indentation); at most MAX_THREAD items.
   */
  conversation(
    root: string,
    query: Omit<Query, 'limit' | 'thread'>,
    horizon: number,
  ): Array<{ row: ItemRow; depth: number }> {
    const { where, params } = filtersOf(query, horizon)
    const byFile = this.built()
    const members = [
      'SELECT rowid FROM items WHERE ref = ?',
      'SELECT c.rowid FROM below b JOIN items c ON c.reply_ref = b.ref',
      ...(byFile
        ? [
            "SELECT c.rowid FROM below b JOIN items p ON p.ref = b.ref JOIN items c ON c.reply_file = p.space || '/' || p.path",
          ]
        : []),
    ]
    const sql = `${BELOW(MAX_THREAD * 4, byFile)}
      SELECT ${ITEM_COLUMNS} FROM items JOIN docs ON docs.rowid = items.rowid
      WHERE items.rowid IN (${members.join(' UNION ')}) AND ${where.join(' AND ')}
      ORDER BY items.shown, items.id LIMIT ${MAX_THREAD}`
    const rows = this.sql.prepared(sql).all(root, root, ...params) as ItemRow[]
    return ordered(root, rows)
  }
}

/**
 * The root first (and any item sharing its ref), then the replies, oldest first; each with its
 * depth below the root, through the parents within the conversation.
 */
function ordered(root: string, rows: ItemRow[]): Array<{ row: ItemRow; depth: number }> {
  const byRef = new Map<string, ItemRow>()
  const byFile = new Map<string, ItemRow>()
  for (const row of rows) {
    if (!byRef.has(row.ref)) byRef.set(row.ref, row)
    if (!byFile.has(`${row.space}/${row.path}`)) byFile.set(`${row.space}/${row.path}`, row)
  }
  const depths = new Map<ItemRow, number>()
  const depthOf = (row: ItemRow, seen: Set<ItemRow>): number => {
    const known = depths.get(row)
    if (known !== undefined) return known
    let depth = 0
    if (row.ref !== root) {
      const parent =
        row.reply_ref !== null
          ? byRef.get(row.reply_ref)
          : row.reply_file !== null
            ? byFile.get(row.reply_file)
            : undefined
      depth =
        parent && !seen.has(parent) && seen.size < MAX_DEPTH
          ? depthOf(parent, seen.add(row)) + 1
          : 1
    }
    depths.set(row, depth)
    return depth
  }
  const out = rows.map((row) => ({ row, depth: depthOf(row, new Set()) }))
  return [...out.filter((r) => r.row.ref === root), ...out.filter((r) => r.row.ref !== root)]
}

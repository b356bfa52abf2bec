import type { Item, ItemKind } from '../item.js'

/** An item as its row of `items` holds it, with its `docs` row's title and text. */
export interface ItemRow {
  rowid: number
  id: string
  space: string
  path: string
  kind: string
  date: number
  shown: number
  ref: string
  reply_ref: string | null
  reply_file: string | null
  arrived: number
  data: string
  title: string | null
  body: string
}

// What `data` holds: everything of an item that no query filters, sorts or joins on (and its
// tags and mentions, so that deleting its rows of `tags` and `mentions` can name them).
type ItemData = Omit<
  Item,
  | 'id'
  | 'space'
  | 'path'
  | 'kind'
  | 'date'
  | 'title'
  | 'text'
  | 'ref'
  | 'replyTo'
  | 'replyFile'
  | 'arrived'
  | 'shown'
>

/** The columns of an item's rows (`arrived` and `shown` are the store's to set). */
export function toRow(item: Item) {
  const {
    id,
    space,
    path,
    kind,
    date,
    title,
    text,
    ref,
    replyTo,
    replyFile,
    arrived: _arrived,
    shown: _shown,
    ...data
  } = item
  return {
    id,
    space,
    path,
    kind,
    date,
    ref,
    reply_ref: replyTo ?? null,
    reply_file: replyFile ?? null,
    title: title ?? null,
    body: text,
    data: JSON.stringify(data),
  }
}

export function fromRow(row: ItemRow): Item {
  const data = JSON.parse(row.data) as ItemData
  return {
    id: row.id,
    space: row.space,
    path: row.path,
    kind: row.kind as ItemKind,
    date: row.date,
    ...(row.title !== null ? { title: row.title } : {}),
    text: row.body,
    ref: row.ref,
    ...(row.reply_ref !== null ? { replyTo: row.reply_ref } : {}),
    ...(row.reply_file !== null ? { replyFile: row.reply_file } : {}),
    arrived: row.arrived,
    shown: row.shown,
    ...data,
  }
}

/** The columns a query of items reads, joined with their text. */
export const ITEM_COLUMNS =
  'items.rowid AS rowid, items.id AS id, items.space AS space, items.path AS path, items.kind AS kind, items.date AS date, items.shown AS shown, items.ref AS ref, items.reply_ref AS reply_ref, items.reply_file AS reply_file, items.arrived AS arrived, items.data AS data, docs.title AS title, docs.body AS body'

/** A page of a space as search reads it: its title and its text, without markup. */
export interface PageText {
  title?: string
  text: string
}

/** Whether a stored row already holds what an item's new row would. */
export function sameRow(was: ItemRow, row: ReturnType<typeof toRow>): boolean {
  return (
    was.data === row.data &&
    was.body === row.body &&
    was.date === row.date &&
    was.title === row.title &&
    was.kind === row.kind &&
    was.ref === row.ref &&
    was.reply_ref === row.reply_ref &&
    was.reply_file === row.reply_file
  )
}

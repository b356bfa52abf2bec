import type { Item, ItemKind } from '../item.js'

/** An item as its row of `items` holds it, with its `docs` row's title and text. */
export interface ItemRow {
  rowid: number
  id: string
  space: string
  path: string
  kind: string
  date: number
  data: string
  title: string | null
  body: string
}

// What `data` holds: everything of an item that no query filters or sorts on.
type ItemData = Omit<Item, 'id' | 'space' | 'path' | 'kind' | 'date' | 'title' | 'text'>

/** The columns of an item's rows. */
export function toRow(item: Item) {
  const { id, space, path, kind, date, title, text, ...data } = item
  return {
    id,
    space,
    path,
    kind,
    date,
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
    ...data,
  }
}

/** The columns a query of items reads, joined with their text. */
export const ITEM_COLUMNS =
  'items.rowid AS rowid, id, space, path, kind, date, data, docs.title AS title, docs.body AS body'

/** A page of a space as search reads it: its title and its text, without markup. */
export interface PageText {
  title?: string
  text: string
}

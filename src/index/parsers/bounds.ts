import type { Item, ParseResult } from '../item.js'
import type { PageText } from '../store/store.js'
import type { TwtxtMeta } from './twtxt.js'

/** An item's text beyond this is cut (a 4 MB status made every `GET /` take seconds). */
export const MAX_ITEM_TEXT = 64 * 1024
/** An item's HTML beyond this is dropped: it is shown by its text instead. */
export const MAX_ITEM_HTML = 256 * 1024

const MAX_FIELD = 4096

/**
 * What leaves a parser, made safe for everything downstream, once: every string well-formed
 * (a lone surrogate from a JSON `\ud800` made `encodeURIComponent` throw, and `GET /` answer
 * 500), titles and other short fields bounded, text and HTML bounded with a problem that says so.
 */
export function bounded<T extends ParseResult & { twtxt?: TwtxtMeta; page?: PageText }>(
  result: T,
): T {
  let cut = 0
  const items = result.items.map((item) => {
    const next = boundedItem(item)
    if (next.text.length < item.text.length || next.html.length < item.html.length) cut++
    return next
  })
  const note = cut
    ? `${cut} item(s) were shortened: text is kept to ${MAX_ITEM_TEXT / 1024} KB and HTML to ${MAX_ITEM_HTML / 1024} KB`
    : undefined
  const problem = [result.problem, note].filter(Boolean).join('; ')
  return {
    ...result,
    items,
    ...(problem ? { problem: wellFormed(problem) } : {}),
    ...(result.twtxt ? { twtxt: boundedMeta(result.twtxt) } : {}),
    ...(result.page
      ? {
          page: {
            ...(result.page.title ? { title: short(result.page.title) } : {}),
            text: wellFormed(result.page.text.slice(0, MAX_ITEM_TEXT)),
          },
        }
      : {}),
  }
}

function boundedItem(item: Item): Item {
  const out: Item = {
    ...item,
    id: short(item.id),
    text: wellFormed(
      item.text.length > MAX_ITEM_TEXT ? item.text.slice(0, MAX_ITEM_TEXT) + '…' : item.text,
    ),
    html: item.html.length > MAX_ITEM_HTML ? '' : wellFormed(item.html),
    summary: short(item.summary),
    url: short(item.url),
    path: wellFormed(item.path),
    tags: item.tags.map(short),
    ref: short(item.ref),
  }
  if (item.source !== undefined) out.source = wellFormed(item.source.slice(0, MAX_ITEM_TEXT))
  for (const key of ['title', 'replyTo', 'replyFile', 'image', 'author', 'external'] as const) {
    const value = item[key]
    if (value !== undefined) out[key] = short(value)
  }
  if (item.replyToWho) {
    const { nick, url } = item.replyToWho
    out.replyToWho = { ...(nick ? { nick: short(nick) } : {}), url: short(url) }
  }
  if (item.mentions) out.mentions = item.mentions.slice(0, 64).map(short)
  return out
}

function boundedMeta(meta: TwtxtMeta): TwtxtMeta {
  return {
    ...(meta.nick ? { nick: short(meta.nick) } : {}),
    ...(meta.url ? { url: short(meta.url) } : {}),
    ...(meta.avatar ? { avatar: short(meta.avatar) } : {}),
    ...(meta.description ? { description: short(meta.description) } : {}),
    ...(meta.links
      ? {
          links: meta.links.map((l) => ({
            ...(l.title ? { title: short(l.title) } : {}),
            url: short(l.url),
          })),
        }
      : {}),
    follows: meta.follows.map((f) => ({
      nick: short(f.nick),
      ...(f.url ? { url: short(f.url) } : {}),
    })),
  }
}

function short(value: string): string {
  return wellFormed(value.length > MAX_FIELD ? value.slice(0, MAX_FIELD) : value)
}

// What no reader can use: a surrogate that is not half of a pair (with the `u` flag a pair is
// one code point, so only a lone half matches), and control characters but tab, LF and CR
// (search marks matches with two of them).
const UNUSABLE = /[\uD800-\uDFFF\0-\x08\x0B\x0C\x0E-\x1F]/gu
const CONTROL = /[\0-\x08\x0B\x0C\x0E-\x1F]/

function wellFormed(value: string): string {
  return value.isWellFormed() && !CONTROL.test(value) ? value : value.replace(UNUSABLE, '')
}

// ES2024, in Node since 20; our `lib` is ES2023 so that nothing newer than Node 20 slips in.
declare global {
  interface String {
    isWellFormed(): boolean
  }
}

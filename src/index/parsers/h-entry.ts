import { createRequire } from 'node:module'
import { htmlDepth } from '../../nesting.js'
import {
  htmlToText,
  MAX_HTML_NESTING,
  rewriteUrl,
  sanitizeItemHtml,
  type SpaceBase,
} from '../../render/sanitize.js'
import type { Item, SourceFile } from '../item.js'
import { dirOf, parseTime, spacePath, summarize, toTags, trimmed } from './fields.js'
import { contentRef, mentionTokens, replyTarget } from './refs.js'

// Loaded at the first page that has an h-entry (parse5 with it: most spaces have none).
type Mf2 = typeof import('microformats-parser').mf2
let mf2: Mf2 | undefined
const parser = (): Mf2 =>
  (mf2 ??= (createRequire(import.meta.url)('microformats-parser') as { mf2: Mf2 }).mf2)

/** The address a page is parsed at: its links on this host are paths of the space. */
const SITE = 'https://space.invalid/'

type Properties = Record<string, unknown[]>
interface Mf2Item {
  type?: string[]
  properties?: Properties
  children?: Mf2Item[]
}

/**
 * The posts a hand-written HTML page carries as microformats2 (https://microformats.org/wiki/h-entry),
 * as IndieWeb readers read them: every `h-entry`, alone or in an `h-feed`, with a
 * `dt-published` date, becomes a post (`p-name`, `e-content` or `p-summary`, `u-url`, `u-photo`,
 * `p-category`, `u-in-reply-to`). An entry that links to its own page (`u-url` in the space)
 * takes that page's id, so that a blog's index and the post's own page give one item.
 */
export function parseHEntries(file: SourceFile): Item[] {
  if (!/\bh-entry\b/.test(file.text) || htmlDepth(file.text) > MAX_HTML_NESTING) return []
  const { items } = parser()(file.text, { baseUrl: SITE + file.path })
  const base: SpaceBase = { space: file.space, dir: dirOf(file.path), site: SITE }
  const found: Item[] = []
  const visit = (item: Mf2Item) => {
    if (item.type?.includes('h-entry')) {
      const entry = toItem(item.properties ?? {}, file, base, found.length)
      if (entry) found.push(entry)
    } else if (item.type?.includes('h-feed')) for (const child of item.children ?? []) visit(child)
  }
  for (const item of items as Mf2Item[]) if (found.length < 1000) visit(item)
  return found
}

function toItem(p: Properties, file: SourceFile, base: SpaceBase, n: number): Item | undefined {
  const first = (key: string) => p[key]?.[0]
  const date = parseTime(trimmed(first('published')))
  if (date === undefined) return undefined
  const content = first('content') as { html?: string; value?: string } | string | undefined
  const rawHtml = typeof content === 'object' ? (content.html ?? '') : ''
  const html = rawHtml ? sanitizeItemHtml(rawHtml, base) : ''
  const text =
    (typeof content === 'string' ? content : (content?.value ?? '')).trim() || htmlToText(html)
  const summary = trimmed(first('summary'))
  const name = trimmed(first('name'))
  // A name microformats implied from the whole entry is no title.
  const title = name && name !== text && !text.startsWith(name + ' ') ? name : undefined
  const urlValue = trimmed(first('url'))
  const url = urlValue ? rewriteUrl(urlValue, base, 'link') : undefined
  const own = url?.startsWith(`/@${file.space}/`) ? url.slice(`/@${file.space}/`.length) : undefined
  // An <img class="u-photo" alt="…"> parses as {value, alt}, a bare URL as a string.
  const photoValue = first('photo') as { value?: unknown } | string | undefined
  const photo = trimmed(typeof photoValue === 'object' ? photoValue?.value : photoValue)
  const image = photo ? rewriteUrl(photo, base, 'src') : undefined
  const parent = trimmed(first('in-reply-to'))
  const reply = replyTarget(
    parent?.startsWith(SITE) ? `/@${file.space}/${parent.slice(SITE.length)}` : parent,
  )
  const mentions = mentionTokens(text)
  // Its permalink as written is what every reader of the blog knows it by.
  const uid =
    trimmed(first('uid')) ?? (urlValue && !urlValue.startsWith(SITE) ? urlValue : undefined)
  return {
    id: own
      ? `${file.space}:${decodeURIComponent(own.split(/[?#]/)[0]!)}`
      : `${file.space}:${file.path}#h-entry-${n}`,
    space: file.space,
    kind: 'post',
    text: text || summary || title || '',
    html,
    summary: summarize(summary ?? text),
    date,
    url: url ?? spacePath(file.space, file.path),
    path: file.path,
    tags: toTags(p.category?.filter((c): c is string => typeof c === 'string')),
    ref: uid ?? contentRef(date, text),
    ...(title ? { title } : {}),
    ...(parseTime(trimmed(first('updated'))) !== undefined
      ? { updated: parseTime(trimmed(first('updated')))! }
      : {}),
    ...(image ? { image } : {}),
    ...(reply?.ref ? { replyTo: reply.ref } : {}),
    ...(reply?.file ? { replyFile: reply.file } : {}),
    ...(mentions.length ? { mentions } : {}),
  }
}

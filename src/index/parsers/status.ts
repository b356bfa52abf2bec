import { NestingError, parseJson } from '../../nesting.js'
import { htmlToText, rewriteUrl, sanitizeItemHtml } from '../../render/sanitize.js'
import { problem, type Item, type ParseResult, type SourceFile } from '../item.js'
import { contentRef, mentionTokens, replyTarget } from './refs.js'
import { dirOf, parseTime, spacePath, summarize, trimmed, toTags } from './fields.js'

/**
 * A status update: one JSON object in a `.json` file under `status/`. Our field names and JSON
 * Feed 1.1 item names are both accepted (`text`/`content_text`, `html`/`content_html`,
 * `date`/`date_published`, `updated`/`date_modified`, `url`/`external_url`).
 */
export function parseStatus(file: SourceFile): ParseResult {
  let data: unknown
  try {
    data = parseJson(file.text, 'status JSON')
  } catch (error) {
    if (error instanceof NestingError) return problem(error.message)
    return problem(`not valid JSON: ${(error as Error).message}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return problem('a status update must be a JSON object')
  }
  const o = data as Record<string, unknown>
  const field = (ours: string, feed: string) => o[ours] ?? o[feed]

  const text = field('text', 'content_text')
  const html = field('html', 'content_html')
  if (text !== undefined && typeof text !== 'string') return problem('"text" must be a string')
  if (html !== undefined && typeof html !== 'string') return problem('"html" must be a string')
  if (!text?.trim() && !html?.trim()) return problem('needs a "text" or an "html" field')

  const rawDate = field('date', 'date_published')
  const date = rawDate === undefined ? file.mtimeMs : parseTime(rawDate)
  if (date === undefined)
    return problem('"date" is not an RFC 3339 date, e.g. 2026-11-25T08:00:00Z')
  const updated = parseTime(field('updated', 'date_modified'))

  const base = { space: file.space, dir: dirOf(file.path) }
  const safeHtml = html ? sanitizeItemHtml(html, base) : ''
  const plain = text?.trim() ? text.trim() : htmlToText(safeHtml)
  const title = trimmed(o.title)
  const own = typeof o.id === 'number' ? String(o.id) : trimmed(o.id)
  const id = own ?? file.path
  const external = trimmed(field('url', 'external_url'))
  const image = trimmed(o.image)
  const reply = replyTarget(trimmed(field('reply_to', 'in_reply_to')))
  const mentions = mentionTokens(plain)

  const item: Item = {
    id: `${file.space}:${id}`,
    space: file.space,
    kind: 'status',
    text: plain,
    html: safeHtml,
    summary: summarize(title ?? plain),
    date,
    url: spacePath(file.space, file.path),
    path: file.path,
    tags: toTags(o.tags),
    ref: own ?? contentRef(date, plain),
    ...(reply?.ref ? { replyTo: reply.ref } : {}),
    ...(reply?.file ? { replyFile: reply.file } : {}),
    ...(mentions.length ? { mentions } : {}),
    ...(title ? { title } : {}),
    ...(updated !== undefined ? { updated } : {}),
    ...(external ? optional('external', rewriteUrl(external, base, 'link')) : {}),
    ...(image ? optional('image', rewriteUrl(image, base, 'src')) : {}),
  }
  return { items: [item] }
}

function optional<K extends string>(key: K, value: string | undefined) {
  return (value ? { [key]: value } : {}) as Partial<Record<K, string>>
}

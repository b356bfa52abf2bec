import { safeHttpUrl } from '../../safe-url.js'
import { type Item, type ParseResult, type SourceFile } from '../item.js'
import { parseTime, spacePath, summarize } from './fields.js'
import { mentionsOf, twtxtSubject } from '../../render/linkify.js'
import { contentRef, mentionTokens, twtHash, twtStamp } from './refs.js'

export interface TwtxtMeta {
  nick?: string
  /** The first `# url`: the feed's identity, which its twts' hashes are made with. */
  url?: string
  /** `# avatar`, `# description`, `# link = TITLE URL` (the yarn Metadata extension). */
  avatar?: string
  description?: string
  links?: Array<{ title?: string; url: string }>
  /** `# follow = NICK URL`; `url` only when it passed safeHttpUrl, as pages write it as a link. */
  follows: Array<{ nick: string; url?: string }>
}

// `@<nick url>` or `@<url>`. Bounded parts without `<` keep this linear: `(\S+)\s+` took 13 s on
// a line of 100,000 `@<`.
const MENTION = /@<(?:([^\s<>]{1,64})\s+)?([^\s<>]{1,2048})>/g

/**
 * `twtxt.txt` (https://twtxt.readthedocs.io/en/latest/user/twtxtfile.html): one post a line,
 * `TIMESTAMP<TAB>TEXT`; `#` lines are comments or `# key = value` metadata. A bad line is
 * skipped and counted in the file's problem; the good ones are still indexed.
 */
export function parseTwtxt(file: SourceFile): ParseResult & { meta: TwtxtMeta } {
  const meta: TwtxtMeta = { follows: [] }
  const items: Item[] = []
  const bad: number[] = []
  const seen = new Map<string, number>()
  // Each item's timestamp as written and raw text: its Twt Hash needs the file's first `# url`,
  // which may come after it.
  const written: Array<[string | undefined, string]> = []
  const lines = file.text.split(/\r?\n/)
  lines.forEach((line, index) => {
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      const kv = /^#\s*([a-z_]+)\s*=\s*(.+?)\s*$/i.exec(line)
      if (!kv) return
      const [, key, value] = kv as unknown as [string, string, string]
      if (key === 'nick') meta.nick ??= value
      else if (key === 'url') meta.url ??= value
      else if (key === 'avatar') meta.avatar ??= value
      else if (key === 'description') meta.description ??= value
      else if (key === 'link' && (meta.links ??= []).length < 32) {
        const at = value.search(/\S+$/)
        const title = value.slice(0, at).trim()
        meta.links.push({ ...(title ? { title } : {}), url: value.slice(at) })
      } else if (key === 'follow') {
        const [nick, raw] = value.split(/\s+/)
        const url = safeHttpUrl(raw)
        if (nick && raw) meta.follows.push({ nick, ...(url ? { url } : {}) })
      }
      return
    }
    const tab = line.indexOf('\t')
    const date = tab > 0 ? parseTime(line.slice(0, tab)) : undefined
    const raw = tab > 0 ? line.slice(tab + 1).trim() : ''
    if (date === undefined || raw === '') {
      bad.push(index + 1)
      return
    }
    const subject = twtxtSubject(raw)
    // Readers show `@nick` for a mention, and a reply without its subject (the page says
    // "in reply to" instead).
    const source = subject ? subject.rest : raw
    const text = source.replace(
      MENTION,
      (_, nick: string | undefined, url: string) => `@${nick ?? url}`,
    )
    const stamp = new Date(date).toISOString()
    const n = (seen.get(stamp) ?? 0) + 1
    seen.set(stamp, n)
    const mentions = mentionTokens(raw)
    // A reply answers whom it names first, before its subject.
    const first = subject && raw.startsWith('@') ? mentionsOf(raw)[0] : undefined
    const to = first?.url
      ? { ...(first.nick ? { nick: first.nick } : {}), url: first.url }
      : undefined
    items.push({
      id: `${file.space}:${file.path}#${stamp}${n > 1 ? `-${n}` : ''}`,
      space: file.space,
      kind: 'twtxt',
      text,
      ...(source !== text ? { source } : {}),
      html: '',
      summary: summarize(text),
      date,
      url: spacePath(file.space, file.path),
      path: file.path,
      tags: [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_-]{1,64})/gu)].map((m) => m[1]!),
      ref: '',
      ...(subject ? { replyTo: subject.hash } : {}),
      ...(to ? { replyToWho: to } : {}),
      ...(mentions.length ? { mentions } : {}),
    })
    written.push([twtStamp(line.slice(0, tab)), raw])
  })
  items.forEach((item, i) => {
    // Without a `# url` (or with a timestamp the hash cannot read), a hash of the date and text.
    const [stamp, raw] = written[i]!
    item.ref = meta.url && stamp ? twtHash(meta.url, stamp, raw) : contentRef(item.date, raw)
    if (meta.nick) item.author = meta.nick
  })
  const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ', …' : '')
  return {
    items,
    meta,
    ...(bad.length
      ? {
          problem: `${bad.length} line(s) are not TIMESTAMP<TAB>TEXT (line ${shown}); they were skipped`,
        }
      : {}),
  }
}

import { createRequire } from 'node:module'
import { htmlToText, rewriteUrl, sanitizeItemHtml, type SpaceBase } from '../../render/sanitize.js'
import { parseJson } from '../../nesting.js'
import { safeHttpUrl } from '../../safe-url.js'
import { problem, type Item, type ParseResult, type SourceFile } from '../item.js'
import { contentRef, mentionTokens, replyTarget } from './refs.js'
import { dirOf, parseTime, spacePath, summarize, trimmed, toTags } from './fields.js'

// Loaded at the first XML feed (~10 MB with its XML parser): most spaces have none.
type ParseXmlFeed = typeof import('@rowanmanning/feed-parser').parseFeed
let parseXmlFeed: ParseXmlFeed | undefined
const xmlFeedParser = (): ParseXmlFeed =>
  (parseXmlFeed ??= (
    createRequire(import.meta.url)('@rowanmanning/feed-parser') as { parseFeed: ParseXmlFeed }
  ).parseFeed)

/** The feed file names a static site generator leaves at the root, in order of preference. */
export const ROOT_FEEDS = ['feed.json', 'feed.xml', 'atom.xml', 'rss.xml', 'index.xml']

interface Entry {
  id?: string
  title?: string
  html?: string
  text?: string
  summary?: string
  url?: string
  published?: number
  updated?: number
  author?: string
  tags: string[]
  image?: string
  /** RFC 4685 `<thr:in-reply-to ref="…">`. */
  replyTo?: string
}

/**
 * A feed the folder already carries (RSS, Atom or JSON Feed). Entries join the timeline with
 * their links resolved into `/@NAME/`: relative ones, and absolute ones on the feed's own site.
 * XML goes through @rowanmanning/feed-parser, which is lenient with real-world feeds.
 */
export function parseFeedFile(file: SourceFile): ParseResult {
  const json = file.path.toLowerCase().endsWith('.json')
  let site: string | undefined
  let entries: Entry[]
  let feedAuthor: string | undefined
  try {
    ;({ site, entries, feedAuthor } = json ? readJsonFeed(file.text) : readXmlFeed(file.text))
  } catch (error) {
    return problem(
      `not a readable ${json ? 'JSON Feed' : 'RSS or Atom feed'}: ${(error as Error).message}`,
    )
  }
  const base: SpaceBase = { space: file.space, dir: dirOf(file.path), ...(site ? { site } : {}) }
  const items: Item[] = []
  let undated = 0
  entries.forEach((entry, index) => {
    const date = entry.published ?? entry.updated
    if (date === undefined) {
      undated++
      return
    }
    const html = entry.html ? sanitizeItemHtml(entry.html, base) : ''
    const text = entry.text?.trim() || htmlToText(html)
    const summary = entry.summary ? htmlToText(entry.summary) : text
    const key = entry.id ?? entry.url ?? String(index)
    const url =
      (entry.url && rewriteUrl(entry.url, base, 'link')) || spacePath(file.space, file.path)
    const image = entry.image ? rewriteUrl(entry.image, base, 'src') : undefined
    const author = entry.author ?? feedAuthor
    const reply = replyTarget(entry.replyTo)
    const mentions = mentionTokens(text)
    items.push({
      id: `${file.space}:${file.path}#${key}`,
      space: file.space,
      kind: 'feed',
      text,
      html,
      summary: summarize(entry.title && !summary ? entry.title : summary),
      date,
      url,
      path: file.path,
      tags: toTags(entry.tags),
      // Its id (Atom) or guid (RSS), as every reader of the feed sees it.
      ref: entry.id ?? entry.url ?? contentRef(date, text),
      ...(reply?.ref ? { replyTo: reply.ref } : {}),
      ...(reply?.file ? { replyFile: reply.file } : {}),
      ...(mentions.length ? { mentions } : {}),
      ...(entry.title ? { title: entry.title } : {}),
      ...(entry.updated !== undefined && entry.updated !== date ? { updated: entry.updated } : {}),
      ...(image ? { image } : {}),
      ...(author ? { author } : {}),
    })
  })
  return {
    items,
    ...(undated
      ? {
          problem:
            undated === 1
              ? '1 entry has no date and was left out'
              : `${undated} entries have no date and were left out`,
        }
      : {}),
  }
}

function readXmlFeed(text: string) {
  const feed = xmlFeedParser()(text)
  const entries: Entry[] = feed.items.map((item) => {
    const published = item.published ? item.published.getTime() : undefined
    const updated = item.updated ? item.updated.getTime() : undefined
    const replyTo = inReplyTo(item.element)
    return {
      tags: item.categories.map((c) => c.label ?? c.term).filter((t): t is string => Boolean(t)),
      ...(item.id ? { id: item.id } : {}),
      ...(item.title ? { title: htmlToText(item.title) } : {}),
      ...(item.content || item.description ? { html: (item.content ?? item.description)! } : {}),
      ...(item.description && item.content ? { summary: item.description } : {}),
      ...(item.url ? { url: item.url } : {}),
      ...(published !== undefined && !isNaN(published) ? { published } : {}),
      ...(updated !== undefined && !isNaN(updated) ? { updated } : {}),
      ...(item.authors[0]?.name ? { author: item.authors[0].name } : {}),
      ...(item.image?.url ? { image: item.image.url } : {}),
      ...(replyTo ? { replyTo } : {}),
    }
  })
  return { site: safeHttpUrl(feed.url), entries, feedAuthor: feed.authors[0]?.name ?? undefined }
}

const THREADING = 'http://purl.org/syndication/thread/1.0'

type FeedElement = ReturnType<ParseXmlFeed>['items'][number]['element']

/** An entry's RFC 4685 parent: the `ref` of its first `in-reply-to` in the threading namespace. */
function inReplyTo(element: FeedElement): string | undefined {
  for (const child of element.findElementsWithName('in-reply-to')) {
    if (child.namespaceUri === THREADING) return trimmed(child.getAttribute('ref'))
  }
  return undefined
}

/** JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/). */
function readJsonFeed(text: string) {
  const data = parseJson(text, 'JSON Feed') as unknown
  if (
    typeof data !== 'object' ||
    data === null ||
    !Array.isArray((data as { items?: unknown }).items)
  ) {
    throw new Error('a JSON Feed needs an "items" array')
  }
  const feed = data as Record<string, unknown> & { items: unknown[] }
  const str = (v: unknown) => trimmed(v)
  const authorOf = (o: Record<string, unknown>) => {
    const authors = Array.isArray(o.authors) ? o.authors : o.author ? [o.author] : []
    return str((authors[0] as Record<string, unknown> | undefined)?.name)
  }
  const entries: Entry[] = feed.items
    .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    .map((i) => {
      const id = str(i.id) ?? (typeof i.id === 'number' ? String(i.id) : undefined)
      const published = parseTime(i.date_published)
      const updated = parseTime(i.date_modified)
      const fields = {
        id,
        title: str(i.title),
        html: str(i.content_html),
        text: str(i.content_text),
        summary: str(i.summary),
        url: str(i.url) ?? str(i.external_url),
        published,
        updated,
        author: authorOf(i),
        image: str(i.image) ?? str(i.banner_image),
      }
      return {
        tags: toTags(i.tags),
        ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      } as Entry
    })
  return { site: safeHttpUrl(feed.home_page_url), entries, feedAuthor: authorOf(feed) }
}

import { basename } from 'node:path'
import { parseFrontMatter } from '../../render/front-matter.js'
import { inlineText, markdownText, renderMarkdown } from '../../render/markdown.js'
import { withoutRepeatedTitle } from '../../render/repeated-title.js'
import { rewriteUrl, sanitizeItemHtml } from '../../render/sanitize.js'
import { problem, type ParseResult, type SourceFile } from '../item.js'
import {
  dirOf,
  JEKYLL_DATE,
  parseTime,
  spacePath,
  summarize,
  trimmed,
  titleFromFileName,
  toTags,
} from './fields.js'
import { contentRef, mentionTokens, replyTarget } from './refs.js'

/** What front matter says about a post, by the rules its timeline item and its page share. */
export function postFields(data: Record<string, unknown>, path: string) {
  const dated = data.date !== undefined && data.date !== null
  const date = dated ? parseTime(data.date) : parseTime(JEKYLL_DATE.exec(basename(path))?.[1])
  return {
    date,
    /** A front matter date that is not one. */
    badDate: dated && date === undefined,
    title: trimmed(data.title),
    description: trimmed(data.description) ?? trimmed(data.summary),
    tags: toTags(data.tags),
    updated: parseTime(data.updated ?? data.lastmod),
    image: trimmed(data.image),
    author: trimmed(data.author),
    draft: data.draft === true,
    /** Its own ref, when it names one. */
    id: typeof data.id === 'number' ? String(data.id) : trimmed(data.id),
    reply: replyTarget(trimmed(data.reply_to ?? data.in_reply_to)),
  }
}

/**
 * A Markdown file with a date (front matter `date`, or a `YYYY-MM-DD-` file name) is a post;
 * without one it is a page, served but not in the timeline; `draft: true` is left out.
 *
 * Indexing reads only what the timeline lists (title, date, summary): the full HTML is rendered
 * when a page of the timeline or a feed asks for it (renderPostHtml), since marked plus the
 * sanitizer cost ≈ 0.85 ms a post and most posts are never shown in full.
 */
export function parsePost(file: SourceFile): ParseResult {
  const { data, body, error } = parseFrontMatter(file.text)
  if (error) return problem(error)
  const fields = postFields(data, file.path)
  if (fields.draft) return { items: [] }
  if (fields.badDate) return problem('front matter "date" is not a date, e.g. 2026-11-25')
  const { date } = fields
  if (date === undefined) return { items: [] }

  const { heading, paragraph } = firstBlocks(body)
  const title = fields.title ?? heading ?? titleFromFileName(file.path)
  const summary = summarize(fields.description ?? paragraph ?? '')
  const base = { space: file.space, dir: dirOf(file.path) }
  const image = fields.image && rewriteUrl(fields.image, base, 'src')
  // The whole text, for search and `content_text`; pages of the timeline show the summary.
  const text = markdownText(body).text || summary
  const mentions = mentionTokens(text)
  return {
    items: [
      {
        id: `${file.space}:${file.path}`,
        space: file.space,
        kind: 'post',
        title,
        text,
        html: '',
        lazyHtml: true,
        summary,
        date,
        url: spacePath(file.space, file.path),
        path: file.path,
        tags: fields.tags,
        ref: fields.id ?? contentRef(date, text),
        ...(fields.reply?.ref ? { replyTo: fields.reply.ref } : {}),
        ...(fields.reply?.file ? { replyFile: fields.reply.file } : {}),
        ...(mentions.length ? { mentions } : {}),
        ...(fields.updated !== undefined ? { updated: fields.updated } : {}),
        ...(image ? { image } : {}),
        ...(fields.author ? { author: fields.author } : {}),
      },
    ],
  }
}

/**
 * The post's full HTML, sanitized, its links rewritten into the space; without its first
 * `# heading` when that repeats the item's title (the timeline and feeds show the title).
 */
export function renderPostHtml(source: string, space: string, path: string): string {
  const { html, data, heading } = renderMarkdown(source)
  const title = postFields(data, path).title ?? heading
  return sanitizeItemHtml(withoutRepeatedTitle(html, title), { space, dir: dirOf(path) })
}

/**
 * The first `# heading` and the first paragraph, found by a line scan that skips code fences,
 * HTML blocks, lists, quotes and tables: cheap enough to run over every post at start-up.
 */
function firstBlocks(body: string): { heading?: string; paragraph?: string } {
  let heading: string | undefined
  let paragraph: string[] | undefined
  let fence: string | undefined
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trim()
    if (fence) {
      if (trimmed.startsWith(fence)) fence = undefined
      continue
    }
    const opening = /^(`{3,}|~{3,})/.exec(trimmed)?.[1]
    if (opening) {
      if (paragraph) break
      fence = opening
      continue
    }
    if (paragraph) {
      if (trimmed === '' || /^(#|<|\||>|[-*+] |\d+\. )/.test(trimmed)) break
      paragraph.push(trimmed)
      continue
    }
    const h1 = /^#\s+(.+?)\s*#*$/.exec(trimmed)?.[1]
    if (h1) {
      heading ??= h1
      continue
    }
    if (trimmed === '' || /^(#|<|\||>|[-*+] |\d+\. |---|\*\*\*|!\[)/.test(trimmed)) continue
    paragraph = [trimmed]
  }
  return {
    ...(heading ? { heading: inlineText(heading) } : {}),
    ...(paragraph ? { paragraph: inlineText(paragraph.join(' ')) } : {}),
  }
}

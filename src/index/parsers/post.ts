import { basename, extname } from 'node:path'
import { parseFrontMatter } from '../../render/front-matter.js'
import { inlineText, renderMarkdown } from '../../render/markdown.js'
import { rewriteUrl, sanitizeItemHtml } from '../../render/sanitize.js'
import {
  dirOf,
  parseTime,
  problem,
  spacePath,
  summarize,
  type ParseResult,
  type SourceFile,
} from '../item.js'
import { toTags } from './status.js'

const JEKYLL_DATE = /^(\d{4}-\d{2}-\d{2})-/

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
  if (data.draft === true) return { items: [] }

  let date: number | undefined
  if (data.date !== undefined && data.date !== null) {
    date = parseTime(data.date)
    if (date === undefined) return problem('front matter "date" is not a date, e.g. 2026-11-25')
  } else {
    const prefix = JEKYLL_DATE.exec(basename(file.path))?.[1]
    date = prefix ? parseTime(prefix) : undefined
  }
  if (date === undefined) return { items: [] }

  const { heading, paragraph } = firstBlocks(body)
  const title = text(data.title) ?? heading ?? titleFromFileName(file.path)
  const summary = text(data.description) ?? text(data.summary) ?? paragraph ?? ''
  const updated = parseTime(data.updated ?? data.lastmod)
  const image = text(data.image)
  const base = { space: file.space, dir: dirOf(file.path) }
  return {
    items: [
      {
        id: `${file.space}:${file.path}`,
        space: file.space,
        kind: 'post',
        title,
        text: summarize(summary),
        html: '',
        lazyHtml: true,
        summary: summarize(summary),
        date,
        url: spacePath(file.space, file.path),
        path: file.path,
        tags: toTags(data.tags),
        ...(updated !== undefined ? { updated } : {}),
        ...(image && rewriteUrl(image, base, 'src')
          ? { image: rewriteUrl(image, base, 'src')! }
          : {}),
        ...(text(data.author) ? { author: text(data.author)! } : {}),
      },
    ],
  }
}

/** The post's full HTML, sanitized, its links rewritten into the space. */
export function renderPostHtml(source: string, space: string, path: string): string {
  return sanitizeItemHtml(renderMarkdown(source).html, { space, dir: dirOf(path) })
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

function titleFromFileName(path: string): string {
  return basename(path, extname(path)).replace(JEKYLL_DATE, '').replace(/[-_]+/g, ' ').trim()
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

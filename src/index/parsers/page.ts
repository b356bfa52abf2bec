import { createRequire } from 'node:module'
import { parseFrontMatter } from '../../render/front-matter.js'
import { markdownText } from '../../render/markdown.js'
import { pageToText } from '../../render/sanitize.js'
import type { PageText } from '../store/store.js'
import { titleFromFileName, trimmed } from './fields.js'

const { Parser } = createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2')

/** Search reads this much of a page's text: the start of a long page says what it is about. */
export const MAX_PAGE_TEXT = 64 * 1024

function bounded(text: string): string {
  return text.length > MAX_PAGE_TEXT ? text.slice(0, MAX_PAGE_TEXT) : text
}

/** An HTML page's title (its `<title>`, else its first `<h1>`) and text, without markup. */
export function htmlPage(html: string, path: string): PageText {
  let title = ''
  let heading = ''
  let into: 'title' | 'h1' | undefined
  const parser = new Parser({
    onopentag(name) {
      if (name === 'title' && !title) into = 'title'
      else if (name === 'h1' && !heading) into = 'h1'
    },
    ontext(text) {
      if (into === 'title') title += text
      else if (into === 'h1') heading += text
    },
    onclosetag(name) {
      if (name === into) into = undefined
    },
  })
  parser.write(html.slice(0, 256 * 1024))
  parser.end()
  const text = bounded(pageToText(html))
  return { title: trimmed(title, 300) ?? trimmed(heading, 300) ?? titleFromFileName(path), text }
}

/** A Markdown page's title (front matter, first heading, file name) and text. */
export function markdownPage(source: string, path: string): PageText {
  const { data, body } = parseFrontMatter(source)
  const { heading, text } = markdownText(body)
  return {
    title: trimmed(data.title, 300) ?? heading ?? titleFromFileName(path),
    text: bounded(text),
  }
}

/** A plain-text file: its name, and its text. */
export function textPage(text: string, path: string): PageText {
  return { title: titleFromFileName(path), text: bounded(text) }
}

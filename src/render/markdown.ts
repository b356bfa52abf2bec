import { createRequire } from 'node:module'
import { decodeHTML } from 'entities'
import { Lexer, Marked, type Token } from 'marked'
import { gfmHeadingId } from 'marked-gfm-heading-id'
import { markedHighlight } from 'marked-highlight'
import { markdownDepth, NestingError } from '../nesting.js'
import { parseFrontMatter } from './front-matter.js'

// GitHub-flavoured Markdown with GitHub's heading ids and highlight.js classes. The result is
// not sanitized: it is the space's own page and runs only in the space's origin (or sandboxed).
const marked = new Marked(
  { gfm: true },
  gfmHeadingId(),
  markedHighlight({
    emptyLangClass: 'hljs',
    langPrefix: 'hljs language-',
    highlight(code, lang) {
      const hljs = highlighter()
      const language = hljs.getLanguage(lang) ? lang : 'plaintext'
      return hljs.highlight(code, { language, ignoreIllegals: true }).value
    },
  }),
)

// highlight.js with its common languages is ~18 MB of heap: loaded at the first code block, so
// that a gateway whose spaces have none (and the idle gateway) does not carry it.
type HighlightJs = typeof import('highlight.js').default
let hljsModule: HighlightJs | undefined
const highlighter = (): HighlightJs =>
  (hljsModule ??= createRequire(import.meta.url)('highlight.js/lib/common') as HighlightJs)

// The first level-1 heading of the document being parsed (parsing is synchronous, so one slot).
let firstHeading: string | undefined
marked.use({
  walkTokens(token) {
    if (firstHeading === undefined && token.type === 'heading' && token.depth === 1) {
      firstHeading = token.text
    }
  },
})

export interface RenderedMarkdown {
  html: string
  /** The front matter, as YAML data (what it means is the post parser's rule: postFields). */
  data: Record<string, unknown>
  /** The first `# heading`, for pages without a front matter title. */
  heading?: string
  /** Front matter that could not be parsed: the page is still shown, with this note. */
  warning?: string
}

/**
 * How deeply a Markdown body may nest (blockquotes, lists, emphasis) before it is not rendered:
 * marked recurses per level and overflows the stack at ~1,200 (a line of `- `), which can take
 * the whole process down (see nesting.ts). markdownDepth over-counts, so this is generous.
 */
export const MAX_MARKDOWN_NESTING = 100

/** Throws NestingError for a body nested deeper than MAX_MARKDOWN_NESTING. */
export function renderMarkdown(source: string): RenderedMarkdown {
  const { data, body, error } = parseFrontMatter(source)
  if (markdownDepth(body) > MAX_MARKDOWN_NESTING) {
    throw new NestingError('Markdown', MAX_MARKDOWN_NESTING)
  }
  firstHeading = undefined
  const html = marked.parse(body, { async: false })
  const heading = firstHeading as string | undefined
  return { html, data, ...(heading ? { heading } : {}), ...(error ? { warning: error } : {}) }
}

/**
 * The plain text of one line of Markdown (a heading, a paragraph), for titles and summaries:
 * marked's inline lexer, without rendering HTML and sanitizing it again (5x cheaper).
 */
export function inlineText(source: string): string {
  // Titles and summaries are short: a bounded input keeps the lexer's recursion (emphasis
  // nests) and its super-linear corners bounded too.
  return decodeHTML(textOf(Lexer.lexInline(source.slice(0, MAX_INLINE))))
    .replace(/\s+/g, ' ')
    .trim()
}

const MAX_INLINE = 1000

/**
 * A Markdown body's plain text (for search and `content_text`) and its first `# heading`:
 * marked's lexer, no HTML. A body nested too deeply to lex safely is returned as it is.
 */
export function markdownText(body: string): { text: string; heading?: string } {
  if (markdownDepth(body) > MAX_MARKDOWN_NESTING) return { text: body }
  const tokens = marked.lexer(body)
  const first = tokens.find((t) => t.type === 'heading' && t.depth === 1)
  const heading = first && 'tokens' in first ? textOf(first.tokens ?? []).trim() : undefined
  return { text: decodeHTML(textOf(tokens, '\n')).trim(), ...(heading ? { heading } : {}) }
}

function textOf(tokens: Token[], blocks = ''): string {
  let text = ''
  for (const token of tokens) {
    if (token.type === 'html' || token.type === 'space') continue
    if (token.type === 'br') text += ' '
    else if ('tokens' in token && token.tokens?.length) text += textOf(token.tokens)
    else if ('items' in token && Array.isArray(token.items)) text += textOf(token.items, blocks)
    else if ('text' in token && typeof token.text === 'string') text += token.text
    text += blocks
  }
  return text
}

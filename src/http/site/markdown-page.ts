import type { Stats } from 'node:fs'
import { titleFromFileName } from '../../index/parsers/fields.js'
import { postFields } from '../../index/parsers/post.js'
import { formatDate } from '../../render/format.js'
import type { ParsePool } from '../../index/indexer/pool.js'
import { TaskFailed } from '../../index/indexer/protocol.js'
import { NestingError } from '../../nesting.js'
import { renderMarkdown, type RenderedMarkdown } from '../../render/markdown.js'
import { withoutRepeatedTitle } from '../../render/repeated-title.js'
import { fileVersion, type PageCache } from './page-cache.js'
import { readSpaceFile, type SpaceFile } from './send-file.js'

/** Larger Markdown files are served as they are, not rendered. */
export const MAX_MARKDOWN_BYTES = 8 * 1024 * 1024

/**
 * Renders a Markdown file of a space for its page: read through the contained opener, rendered
 * in a worker under the parse deadline (marked is super-linear on crafted input: 60 KB held the
 * event loop 23 s), so that no file can stall the gateway. A version that fails is remembered in
 * the page cache and answered at once the next time.
 */
export function markdownRenderer(pages: PageCache, pool?: ParsePool) {
  // Twelve readers opening one page at once share one render.
  const rendering = new Map<string, Promise<RenderedMarkdown | Error | undefined>>()

  async function render(target: SpaceFile, stats: Stats) {
    const read = await readSpaceFile(target, MAX_MARKDOWN_BYTES)
    if (!read) return undefined
    const source = read.body.toString('utf8')
    try {
      return pool ? await pool.renderPage(source) : renderMarkdown(source)
    } catch (error) {
      if (!(error instanceof TaskFailed) && !(error instanceof NestingError)) throw error
      pages.fail(stats, error)
      return error
    }
  }

  return function renderFile(
    target: SpaceFile,
    stats: Stats,
  ): Promise<RenderedMarkdown | Error | undefined> {
    const failed = pages.failure(stats)
    if (failed) return Promise.resolve(failed)
    const version = `${target.file}|${fileVersion(stats)}`
    let rendered = rendering.get(version)
    if (!rendered) {
      rendered = render(target, stats)
      rendering.set(version, rendered)
      void rendered.finally(() => rendering.delete(version)).catch(() => {})
    }
    return rendered
  }
}

/** A Markdown page's view: the same field rules as its timeline item (postFields). */
export function postView(file: string, rendered: RenderedMarkdown) {
  const fields = postFields(rendered.data, file)
  return {
    title: fields.title ?? rendered.heading ?? titleFromFileName(file),
    // The body already starts with its own heading unless front matter named the title.
    showTitle: fields.title !== undefined,
    date: fields.date !== undefined ? formatDate(new Date(fields.date)) : undefined,
    dateISO: fields.date !== undefined ? new Date(fields.date).toISOString() : undefined,
    tags: fields.tags,
    description: fields.description,
    warning: rendered.warning,
    // A front matter title is shown above the body: its repeat as the first `# heading` goes.
    html: withoutRepeatedTitle(rendered.html, fields.title),
  }
}

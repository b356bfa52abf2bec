import type { Stats } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { formatDate } from '../render/format.js'
import { OFFLOAD_BYTES, TaskFailed, type ParsePool } from '../index/parse-pool.js'
import { renderMarkdown, type RenderedMarkdown } from '../render/markdown.js'

interface Cached {
  size: number
  mtimeMs: number
  rendered: RenderedMarkdown | Error
}

const CACHE_ENTRIES = 500

/**
 * Renders Markdown files, cached by path, size and mtime: a friend's post is parsed once per
 * change, not once per visit. The cache is bounded; the oldest entry goes first.
 */
export function markdownRenderer(pool?: ParsePool) {
  const cache = new Map<string, Cached>()
  /** The page, or why it could not be rendered in time (remembered, so it is tried once). */
  return async function render(file: string, stats: Stats): Promise<RenderedMarkdown | Error> {
    const hit = cache.get(file)
    if (hit && hit.size === stats.size && hit.mtimeMs === stats.mtimeMs) return hit.rendered
    const source = await readFile(file, 'utf8')
    // A large page renders in a worker under the parse deadline: a file crafted to be slow to
    // parse (deep HTML nesting is quadratic) must not stall every other request.
    const rendered =
      pool && stats.size > OFFLOAD_BYTES
        ? await pool.renderPage(source).catch((error: Error) => {
            if (error instanceof TaskFailed) return error
            throw error
          })
        : renderMarkdown(source)
    const entry = { size: stats.size, mtimeMs: stats.mtimeMs, rendered }
    cache.delete(file)
    cache.set(file, entry)
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!)
    return entry.rendered
  }
}

/** `2024-03-01-hello-world.md` → `hello world` */
function titleFromFile(file: string): string {
  return basename(file, extname(file))
    .replace(/^\d{4}-\d{2}-\d{2}-/, '')
    .replace(/[-_]+/g, ' ')
}

export function postView(file: string, rendered: RenderedMarkdown) {
  return {
    title: rendered.title ?? rendered.heading ?? titleFromFile(file),
    // The body already starts with its own heading unless front matter named the title.
    showTitle: rendered.title !== undefined,
    date: rendered.date ? formatDate(rendered.date) : undefined,
    dateISO: rendered.date?.toISOString(),
    tags: rendered.tags,
    description: rendered.description,
    warning: rendered.warning,
    html: rendered.html,
  }
}

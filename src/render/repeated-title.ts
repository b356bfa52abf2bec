import { decodeHTML } from 'entities'

const LEADING_H1 = /^\s*<h1\b[^>]*>([\s\S]*?)<\/h1>\s*/i

const plain = (html: string) =>
  decodeHTML(html.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()

/**
 * A post's HTML without its first `<h1>` when that heading says the title shown above it: a
 * Markdown post often names its title in front matter and again as its first `# heading`, and
 * the page (or the feed entry) would show it twice. Any other heading is left alone.
 */
export function withoutRepeatedTitle(html: string, title: string | undefined): string {
  if (!title) return html
  const match = LEADING_H1.exec(html)
  if (!match || plain(match[1]!) !== plain(title)) return html
  return html.slice(match[0].length)
}

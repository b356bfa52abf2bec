import { createRequire } from 'node:module'
import { isMarkdownFile } from '../../spaces/resolve.js'
import { hasHiddenSegment, isConflictCopy } from '../../spaces/sync-files.js'
import { ROOT_FEEDS } from './feed.js'

// The CommonJS build, the one sanitize-html and the feed parser require: importing the ESM build
// loaded htmlparser2, domhandler and domutils a second time (the dual-package hazard).
const { Parser } = createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2')

export type Source = 'status' | 'post' | 'twtxt' | 'feed' | 'home' | 'follows' | 'profile' | 'page'

/**
 * Which parser a file of the space goes to, from its relative path alone (DESIGN.md "What
 * becomes an item"); undefined for files that are neither items nor pages. `home` is the root
 * index.html, read for the feed its `<link rel="alternate">` names, for who the space is and as a
 * page; `profile` the root profile.json (who the space is); `page` an HTML
 * or plain-text page, which search reads (Markdown without a date is a page too).
 */
export function sourceOf(path: string): Source | undefined {
  if (hasHiddenSegment(path) || isConflictCopy(path)) return undefined
  const lower = path.toLowerCase()
  if (lower.startsWith('status/') && lower.endsWith('.json')) return 'status'
  if (isMarkdownFile(path)) return 'post'
  if (path === 'twtxt.txt') return 'twtxt'
  if (path === 'follows.json') return 'follows'
  if (path === 'profile.json') return 'profile'
  if (ROOT_FEEDS.includes(path)) return 'feed'
  if (path === 'index.html' || path === 'index.htm') return 'home'
  // A site's "not found" page (404.html: GitHub Pages, Netlify…) is not something to find.
  if (/\.(html?|txt)$/.test(lower) && !/(^|\/)404\.html?$/.test(lower)) return 'page'
  return undefined
}

const FEED_TYPES = new Set([
  'application/atom+xml',
  'application/rss+xml',
  'application/feed+json',
  'application/json',
  'application/xml',
  'text/xml',
])

/**
 * The space-relative path of the feed a home page names with `<link rel="alternate">`, when
 * that feed is a file of the space (a relative link, or an absolute path on the site).
 */
export function alternateFeed(html: string): string | undefined {
  let found: string | undefined
  const parser = new Parser({
    onopentag(name, attributes) {
      if (found || name !== 'link') return
      const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/)
      const type = (attributes.type ?? '').toLowerCase().split(';')[0]!.trim()
      if (rel.includes('alternate') && FEED_TYPES.has(type) && attributes.href) {
        found = attributes.href
      }
    },
    onclosetag(name) {
      // The feed link belongs in <head>; stop reading a long page at its end.
      if (name === 'head') parser.pause()
    },
  })
  parser.write(html.slice(0, 256 * 1024))
  parser.end()
  if (!found || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(found)) return undefined
  const path = new URL(found, 'http://space/').pathname.slice(1)
  try {
    const decoded = decodeURIComponent(path)
    return decoded && !hasHiddenSegment(decoded) ? decoded : undefined
  } catch {
    return undefined
  }
}

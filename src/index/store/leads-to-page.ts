import { spacePath } from '../parsers/fields.js'
import type { Prepare } from './prepared.js'

/**
 * Whether an item's URL leads to a page of its own space (`/@pal/posts/kites.html`, or a folder's
 * index.html) that matches the search too: the page is then the hit, and the item is left out.
 * A blog's home page lists its posts as h-entries and its feed holds them, each leading to the
 * post's own page. Decided for each hit alone, so that pages of hits neither repeat a place nor
 * skip one.
 */
export function leadsToMatchingPage(
  prepare: Prepare,
  match: string,
  item: { space: string; path: string; url?: string },
): boolean {
  const { space, url } = item
  const prefix = `/@${space}/`
  // A post's URL is its own file, which is not a page too: no need to look.
  if (!url?.startsWith(prefix) || url === spacePath(space, item.path)) return false
  let path: string
  try {
    path = decodeURIComponent(url.slice(prefix.length).replace(/[?#].*$/s, ''))
  } catch {
    return false
  }
  const paths =
    path === '' || path.endsWith('/') ? [`${path}index.html`, `${path}index.htm`] : [path]
  // On pages_file, then one seek of the full-text index to the page's key.
  const found = prepare(
    `SELECT 1 FROM pages JOIN docs ON docs.rowid = pages.rowid
     WHERE pages.space = ? AND pages.path IN (SELECT value FROM json_each(?))
       AND EXISTS (SELECT 1 FROM search WHERE search MATCH ? AND search.rowid = docs.key)`,
  )
    .raw()
    .get(space, JSON.stringify(paths), match)
  return found !== undefined
}

import { createRequire } from 'node:module'
import { cleanText, LOCAL_BASE, MAX_DESCRIPTION, MAX_NAME, siteFilePath } from './profile-fields.js'

const { Parser } = createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2')

/** What a space's root `index.html` says about who the space is, the last profile fallback. */
export interface HomeMeta {
  /** Its `<title>`. */
  title?: string
  /** Its icon (`<link rel="icon" href>`) as a path in the space. */
  icon?: string
  /** Its `<meta name="description" content>`. */
  description?: string
}

/**
 * Reads the `<head>` of a home page (the first 256 KB): `<title>`, the first
 * `<link rel="icon">` (or `apple-touch-icon`) whose `href` is a file of the space — relative,
 * or absolute on the site (`/icon.png`) —, and `<meta name="description">`.
 * @example homeMeta('<title>Bob</title><link rel="icon" href="/i.png">') // {title: 'Bob', icon: 'i.png'}
 */
export function homeMeta(html: string): HomeMeta {
  let title = ''
  let inTitle = false
  let hasTitle = false
  let icon: string | undefined
  let description: string | undefined
  const parser = new Parser({
    onopentag(name, attributes) {
      if (name === 'title' && !hasTitle) inTitle = hasTitle = true
      else if (name === 'link' && !icon) {
        const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/)
        if (rel.includes('icon') || rel.includes('apple-touch-icon')) {
          icon = siteFilePath(attributes.href, `${LOCAL_BASE}index.html`)
        }
      } else if (name === 'meta' && description === undefined) {
        if ((attributes.name ?? '').toLowerCase() === 'description') {
          description = cleanText(attributes.content, MAX_DESCRIPTION)
        }
      }
    },
    ontext(text) {
      if (inTitle && title.length < MAX_NAME * 4) title += text
    },
    onclosetag(name) {
      if (name === 'title') inTitle = false
      // What a page says about itself is in <head>; stop reading a long page at its end.
      if (name === 'head') parser.pause()
    },
  })
  parser.write(html.slice(0, 256 * 1024))
  parser.end()
  const name = cleanText(title, MAX_NAME)
  return {
    ...(name ? { title: name } : {}),
    ...(icon ? { icon } : {}),
    ...(description ? { description } : {}),
  }
}

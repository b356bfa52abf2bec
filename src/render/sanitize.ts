import sanitizeHtml from 'sanitize-html'
import { decodeHTML } from 'entities'
import { htmlDepth, NestingError } from '../nesting.js'
import { safeHttpUrl } from '../safe-url.js'

/**
 * Every piece of a friend's HTML that reaches the gateway's own pages and feeds goes through
 * here: an allowlist (sanitize-html, ≈0.5 ms for 4 KB, no DOM needed), so anything not listed
 * (scripts, event handlers, iframes, forms, styles, SVG, unknown schemes) is dropped.
 * `base` is where relative links point: the item's folder under `/@NAME/`.
 */
export function sanitizeItemHtml(html: string, base: SpaceBase): string {
  refuseDeepHtml(html)
  return sanitizeHtml(html.trim(), {
    allowedTags: [
      ...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'style'),
      'img',
      'figure',
      'figcaption',
      'picture',
      'del',
      'ins',
      'details',
      'summary',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
      abbr: ['title'],
      code: ['class'],
      span: ['class'],
      pre: ['class'],
      td: ['align'],
      th: ['align'],
      ol: ['start'],
      time: ['datetime'],
    },
    // highlight.js classes only: a friend's class names must not pick up the gateway's styles.
    allowedClasses: { code: ['hljs', 'language-*'], span: ['hljs-*'], pre: ['hljs'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href === undefined ? undefined : rewriteUrl(attribs.href, base, 'href')
        const { href: _, ...rest } = attribs
        return {
          tagName,
          attribs: {
            ...rest,
            ...(href ? { href } : {}),
            rel: 'nofollow noopener noreferrer',
          },
        }
      },
      img: (tagName, attribs) => {
        const src = attribs.src === undefined ? undefined : rewriteUrl(attribs.src, base, 'src')
        const { src: _, ...rest } = attribs
        return { tagName, attribs: { ...rest, ...(src ? { src } : {}), loading: 'lazy' } }
      },
    },
  }).trim()
}

export interface SpaceBase {
  /** The space's name. */
  space: string
  /** The folder of the file the HTML came from, relative to the space root ('' at the root). */
  dir: string
  /** An absolute site URL whose links map into the space (a feed's own home page). */
  site?: string
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i

/**
 * What a URL is for: `href` a link inside sanitized HTML (`mailto:` and `#fragment` too), `src`
 * an image (`data:image/…` too), `link` an item's own link or reference (its `url`,
 * `external_url`, `reply_to`): only http(s) or a path into the space.
 */
export type UrlUse = 'href' | 'src' | 'link'

/**
 * Resolves a URL found in an item against its file's folder, into `/@NAME/…`. An absolute URL
 * must pass safeHttpUrl (the one policy for friend-given links) and stays as it is unless it
 * points into the feed's own site; a relative URL that climbs out of the space, and any other
 * scheme (but mailto for `href` and data:image for `src`), is dropped.
 */
export function rewriteUrl(raw: string, base: SpaceBase, use: UrlUse): string | undefined {
  const url = raw.trim()
  if (url === '') return undefined
  if (url.startsWith('#') && use !== 'link') return url
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase()
  if (scheme) {
    if (scheme === 'mailto' && use === 'href') return url
    if (scheme === 'data')
      return use === 'src' && /^data:image\/(png|gif|jpe?g|webp|avif);/i.test(url) ? url : undefined
    const safe = safeHttpUrl(url)
    if (!safe) return undefined
    const site = safeHttpUrl(base.site)
    if (site) {
      const target = new URL(safe)
      if (target.origin === new URL(site).origin)
        return intoSpace(target.pathname + target.search + target.hash, base.space)
    }
    return safe
  }
  if (url.startsWith('//')) return undefined
  const folder = `/${base.dir ? base.dir.replace(/\/?$/, '/') : ''}`
  const resolved = new URL(url, `http://space${folder}`)
  return intoSpace(resolved.pathname + resolved.search + resolved.hash, base.space)
}

function intoSpace(pathAndQuery: string, space: string): string {
  return `/@${space}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`
}

// Where an item's text breaks between words. Kept as it is: an item without an id of its own is
// known by a hash of its text (refs.ts contentRef), which replies name.
const ITEM_BREAKS = /<\/(p|div|li|h[1-6]|blockquote|pre)>|<br\s*\/?>/gi
const NON_TEXT = ['style', 'script', 'textarea', 'option', 'noscript', 'template']

/** The text of an HTML fragment, entities decoded: for `content_text`, summaries and terminals. */
export function htmlToText(html: string): string {
  return textOf(html, ITEM_BREAKS, '$& ', NON_TEXT)
}

// A page breaks between words after every block, cell and link, and at line breaks, rules and
// images (`<a>Home</a><a>Posts</a>` in a menu is two words, not "HomePosts").
const PAGE_BREAKS =
  /<\/(?:a|address|article|aside|blockquote|button|caption|dd|details|div|dl|dt|figcaption|figure|footer|form|h[1-6]|header|label|legend|li|main|ol|p|pre|section|summary|table|td|th|tr|ul)>|<(?:br|hr|img)\b/gi

/**
 * An HTML page's text for search: without its `<title>` (searched as the title) and its menus
 * (`<nav>`, the same links on every page, which made every page match "home" and filled the
 * snippets with them).
 */
export function pageToText(html: string): string {
  // A space on both sides: after a closing tag, before an opening one.
  return textOf(html, PAGE_BREAKS, ' $& ', [...NON_TEXT, 'title', 'nav'])
}

function textOf(html: string, breaks: RegExp, spaced: string, nonTextTags: string[]): string {
  refuseDeepHtml(html)
  const stripped = sanitizeHtml(html.replace(breaks, spaced), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags,
  })
  return decodeHTML(stripped).replace(/\s+/g, ' ').trim()
}

/** How many elements may be open at once in a friend's HTML before it is refused. */
export const MAX_HTML_NESTING = 256

function refuseDeepHtml(html: string) {
  if (htmlDepth(html) > MAX_HTML_NESTING) throw new NestingError('HTML', MAX_HTML_NESTING)
}

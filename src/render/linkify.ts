import { isValidName } from '../spaces/names.js'
import { findSubject, scan, type Token } from './linkify-scan.js'

/** What linkify needs to know about the user's spaces. */
export interface LinkifyContext {
  /** The local space for a `@name` or a twtxt nick (given lower-cased), if the user follows one. */
  spaceFor(nickOrName: string): string | undefined
  /** The local space whose twtxt feed is at `url` (safeHttpUrl's serialisation), if any. */
  spaceForUrl(url: string): string | undefined
  /**
   * Put before the gateway's own paths (`/@NAME/`, `/timeline?tag=`), e.g.
   * `http://localhost:4747`. Without it links are root-relative paths, for the gateway's pages.
   */
  gateway?: string
}

/** A mention as written: `@<nick url>` gives nick and url, `@<url>` url, `@name` name. */
export interface Mention {
  nick?: string
  url?: string
  name?: string
}

/** A twtxt reply's subject: the hash it replies to, its URL if given, and the text without it. */
export interface TwtxtSubject {
  hash: string
  url?: string
  rest: string
}

const REL = 'nofollow noopener noreferrer'
const SHORT_URL = 40

/**
 * The plain text of a timeline item (a status update's `text`, a twtxt line) as HTML with links,
 * the way twtxt/yarn readers and microblogs show it. Every byte of the text is a friend's, so
 * the result is built, never parsed: text is escaped, newlines (and twtxt's U+2028) become
 * `<br />`, and the only markup is `<a rel="nofollow noopener noreferrer" href="…">`, whose
 * absolute URLs all passed safeHttpUrl. Linear in the length of the text.
 *
 * - `@<nick url>`, `@<url>`: a link to the local space when the URL (or else the nick) is one
 *   the user follows, else to the URL; shown as `@nick` (`@<url>`: the space's name, or a short
 *   form of the URL). One with a URL that is not http(s) stays text.
 * - `@name`: a link to the space when `spaceFor` knows it, else text.
 * - `http://…`, `https://…`: a link, without trailing punctuation or an unbalanced `)`.
 * - `#tag` (not after a letter, digit or `&`): a link to `/timeline?tag=TAG`.
 * - the twtxt subject `(#hash)` at the start is left as text: see twtxtSubject.
 *
 * The result passes through sanitizeItemHtml unchanged when `gateway` is given; without it,
 * the sanitizer would read the root-relative `/@NAME/` and `/timeline` links as paths inside
 * the item's own space, so do not sanitize it again with a space base (it needs no sanitizing).
 *
 * @example linkify('hi @<bob https://bob.example/twtxt.txt> #tea', context)
 * // 'hi <a rel="nofollow noopener noreferrer" href="/@bob/">@bob</a>
 * //  <a rel="nofollow noopener noreferrer" href="/timeline?tag=tea">#tea</a>'
 */
export function linkify(text: string, context: LinkifyContext): string {
  const base = withoutTrailingSlashes(context.gateway ?? '')
  // A lookup's answer goes into an href: only a space name is taken.
  const known = (space: string | undefined) =>
    space !== undefined && isValidName(space) ? space : undefined
  const home = (space: string) => `${base}/@${space}/`
  const html = (token: Token): string => {
    switch (token.kind) {
      case 'mention': {
        const space =
          known(context.spaceForUrl(token.url)) ??
          (token.nick === undefined ? undefined : known(context.spaceFor(token.nick.toLowerCase())))
        const shown = token.nick ?? space ?? shortUrl(token.url)
        return link(space ? home(space) : token.url, `@${shown}`)
      }
      case 'name': {
        const space = known(context.spaceFor(token.name))
        return space ? link(home(space), token.raw) : escapeText(token.raw)
      }
      case 'url':
        return link(token.href, token.raw)
      case 'tag':
        return link(`${base}/timeline?tag=${encodeURIComponent(token.tag)}`, token.raw)
      default:
        return escapeText(token.raw)
    }
  }
  let out = ''
  for (const token of scan(text.trim())) out += html(token)
  return out
}

/**
 * The mentions in an item's text, in order, as written (nick as written, `name` lower-cased,
 * `url` serialised by safeHttpUrl): the caller decides whether one of them is the user.
 * Mentions that linkify shows as text (a `@<…>` whose URL is not http(s)) are not listed; a bare
 * `@name` is listed whether or not it is a space.
 */
export function mentionsOf(text: string): Mention[] {
  return scan(text).flatMap((token): Mention[] => {
    if (token.kind === 'mention')
      return [token.nick === undefined ? { url: token.url } : { nick: token.nick, url: token.url }]
    return token.kind === 'name' ? [{ name: token.name }] : []
  })
}

/**
 * The twtxt subject of a reply (yarn.social): the first `(#hash)` or `(#<hash url>)` after any
 * leading mentions; only the hash counts, other parentheses are text. `hash` is what follows
 * `#` up to `)` (or, inside `<…>`, up to the blank before the URL); `url` is that URL when it is
 * a safe link; `rest` is the text without the subject, for display.
 *
 * @example twtxtSubject('(#o6dsrga) agreed') // { hash: 'o6dsrga', rest: 'agreed' }
 */
export function twtxtSubject(text: string): TwtxtSubject | undefined {
  const subject = findSubject(text)
  if (!subject) return undefined
  const before = text.slice(0, subject.start).trim()
  const after = text.slice(subject.end).trim()
  const rest = before && after ? `${before} ${after}` : before || after
  return { hash: subject.hash, ...(subject.url ? { url: subject.url } : {}), rest }
}

function link(href: string, shown: string): string {
  return `<a rel="${REL}" href="${escapeAttribute(href)}">${escapeText(shown)}</a>`
}

/** `https://www.bob.example/user/bob/twtxt.txt` → `bob.example/user/bob`, at most 40 chars. */
function shortUrl(url: string): string {
  const { host, pathname } = new URL(url)
  let path = pathname.endsWith('/twtxt.txt') ? pathname.slice(0, -'/twtxt.txt'.length) : pathname
  if (path.endsWith('/')) path = path.slice(0, -1)
  const short = host.replace(/^www\./, '') + path
  return short.length > SHORT_URL ? `${short.slice(0, SHORT_URL - 1)}…` : short
}

function withoutTrailingSlashes(value: string): string {
  let end = value.length
  while (end > 0 && value[end - 1] === '/') end--
  return value.slice(0, end)
}

// What sanitize-html writes, so that a second pass changes nothing: `&`, `<`, `>` in text (a
// `"` or `'` between tags is harmless), and `"` too in attributes, which are always quoted.
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
}

const TEXT_SPECIAL = /[&<>\r\n\u2028\u2029]/
const ATTRIBUTE_SPECIAL = /[&<>"]/

function escapeText(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text
  return text.replace(/\r\n|[\r\n\u2028\u2029]|[&<>]/g, (ch) => ESCAPES[ch] ?? '<br />')
}

function escapeAttribute(value: string): string {
  return ATTRIBUTE_SPECIAL.test(value) ? value.replace(/[&<>"]/g, (ch) => ESCAPES[ch]!) : value
}

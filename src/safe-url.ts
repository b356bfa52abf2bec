/**
 * The longest friend-given URL the gateway writes into a link. Real links are far shorter; the
 * bound keeps a 10 MB "URL" in a twtxt line or a feed out of every page and API answer.
 */
export const MAX_URL_LENGTH = 2048

/**
 * The one policy for an absolute URL from a friend's file that the gateway writes as a link (an
 * `href` on its pages, a `url` in its feeds and API): `http:` or `https:` with the scheme written
 * out (no `//host`), parsed by the WHATWG URL parser (what browsers use), with a host, without a
 * user name or password (`https://bank.example@evil.example/` reads as the bank), and at most
 * MAX_URL_LENGTH long. Anything else (`javascript:`, `data:`, `vbscript:`, `file:`, relative
 * URLs, garbage) is `undefined`: callers show text instead of a link.
 *
 * Returns the parsed URL's own serialisation, so that what is written is exactly what was
 * checked: tabs, newlines and control characters that browsers strip while parsing are gone.
 *
 * @example safeHttpUrl('https://bob.example/twtxt.txt') // 'https://bob.example/twtxt.txt'
 * @example safeHttpUrl('javascript:alert(1)') // undefined
 */
export function safeHttpUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  const text = raw.trim()
  if (text.length > MAX_URL_LENGTH || !/^https?:\/\//i.test(text)) return undefined
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.username !== '' || url.password !== '' || url.hostname === '') return undefined
  return url.href.length <= MAX_URL_LENGTH ? url.href : undefined
}

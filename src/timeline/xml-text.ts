// What XML 1.0 forbids (§2.2 Char allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]): C0 controls but tab, LF and CR, U+FFFE, U+FFFF, and lone surrogates. With
// the `u` flag a surrogate pair is one code point, so the surrogate range matches lone halves only.
// A document holding one is not well-formed, and a feed reader then rejects the whole feed.
const NOT_XML_CHAR = /[\0-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/gu

/** `text` without the characters XML 1.0 forbids (what posting stores, and what feeds write). */
export function stripXmlForbidden(text: string): string {
  return text.replace(NOT_XML_CHAR, '')
}

const MARKUP = /[&<>"']/g
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * A value as XML character data, safe both between tags and inside a quoted attribute: markup
 * characters escaped, and the characters XML 1.0 forbids dropped (they cannot even be written
 * as character references).
 *
 * @example xmlEscape('a\u0000<b>') // 'a&lt;b&gt;'
 */
export function xmlEscape(value: unknown): string {
  return stripXmlForbidden(String(value)).replace(MARKUP, (c) => ENTITIES[c]!)
}

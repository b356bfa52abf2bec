import fc from 'fast-check'
import { SaxesParser } from 'saxes'
import { describe, expect, it } from 'vitest'
import { xmlEscape } from '../src/timeline/xml-text.js'

/** XML 1.0 §2.2: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  )
}

/** `text` less every character XML 1.0 forbids, lone surrogates included. */
const xmlChars = (text: string) => [...text].filter((c) => isXmlChar(c.codePointAt(0)!)).join('')

/** Parses `xml` strictly; the parse errors (none for a well-formed document) and what was read. */
function readStrictly(xml: string) {
  const errors: string[] = []
  const texts: string[] = []
  const attributes: Record<string, string>[] = []
  const parser = new SaxesParser()
  parser.on('error', (error) => errors.push(error.message))
  parser.on('text', (text) => texts.push(text))
  parser.on('opentag', (tag) => attributes.push(tag.attributes as Record<string, string>))
  parser.write(xml).close()
  return { errors, text: texts.join(''), attributes }
}

describe('xmlEscape', () => {
  it('escapes markup and drops each character XML 1.0 forbids, keeping tab, LF and CR', () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    )
    expect(xmlEscape('a\0b\x08c\x0bd\x0ce\x0ef\x1fg\ufffeh\uffffi')).toBe('abcdefghi')
    expect(xmlEscape('\t\n\r \x7f\x85\ud7ff\ue000\ufffd')).toBe('\t\n\r \x7f\x85\ud7ff\ue000\ufffd')
    expect(xmlEscape('x\ud800y\udfffz \ud83d\ude00')).toBe('xyz \ud83d\ude00')
    expect(xmlEscape('\udc00\ud800')).toBe('')
    expect(xmlEscape(42)).toBe('42')
  })

  it('gives text and attribute values that a strict parser reads back, less forbidden characters', () => {
    // Any code point, lone surrogates included, with ASCII (controls and markup) made likely.
    const char = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ufffe', '\uffff', ']]>'),
      fc
        .integer({ min: 0, max: 0x10ffff })
        .map((cp) =>
          cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp),
        ),
    )
    fc.assert(
      fc.property(fc.string({ unit: char, maxLength: 40 }), (value) => {
        const escaped = xmlEscape(value)
        const read = readStrictly(`<a v="${escaped}">${escaped}</a>`)
        expect(read.errors).toEqual([])
        // As XML reads them (§2.11, §3.3.3): line ends become LF; in an attribute, tab and LF a space.
        const kept = xmlChars(value).replace(/\r\n?/g, '\n')
        expect(read.text).toBe(kept)
        expect(read.attributes[0]!.v).toBe(kept.replace(/[\t\n]/g, ' '))
      }),
      { numRuns: 2000 },
    )
  })
})

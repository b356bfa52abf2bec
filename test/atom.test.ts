import { parseFeed } from '@rowanmanning/feed-parser'
import fc from 'fast-check'
import { XMLValidator } from 'fast-xml-parser'
import { join } from 'node:path'
import { SaxesParser } from 'saxes'
import { beforeAll, describe, expect, it } from 'vitest'
import { xmlEscape } from '../src/timeline/xml-text.js'
import { get, startGateway, tempDir, writeFiles } from './helpers.js'

// Characters that XML 1.0 forbids (§2.2 Char) in a friend's status or feed make the whole
// /timeline.xml unreadable: every feed reader rejects a document that is not well-formed.

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

/**
 * Well-formed XML 1.0. fast-xml-parser's XMLValidator checks the structure but accepts any
 * character, NUL included (5.12.1); saxes also checks every character against §2.2.
 */
function expectWellFormed(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true)
  expect(readStrictly(xml).errors).toEqual([])
}

const NOT_XML = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u

let port: number

beforeAll(async () => {
  const parent = await tempDir()
  const date = (day: number) => `2026-03-0${day}T10:00:00Z`
  // The file exactly as the report gave it: a NUL inside the title, a vertical tab at its end.
  await writeFiles(join(parent, 'ctrl'), {
    'status/x.json': '{"text": "ctrl", "title": "bad\\u0000title\\u000b"}',
  })
  await writeFiles(join(parent, 'mallory'), {
    'status/text.json': JSON.stringify({
      text: 'one\u0001two\tthree\nfour\u001f five\ufffe\uffff end',
      title: 'lone \ud800high \udc00low, a pair 😀',
      tags: ['tag\u0003', 'ok\u0000tag'],
      date: date(1),
    }),
    'status/html.json': JSON.stringify({
      html: '<p>html\u0002 <b>bold\u0008</b> form\u000cfeed</p>',
      date: date(2),
    }),
    'feed.json': JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'mallory',
      items: [
        {
          id: 'entry\u0004',
          title: 'feed\u0005 title',
          content_text: 'feed\u000e text',
          summary: 'feed\u0010 summary',
          url: 'https://mallory.example/a\u0011b',
          date_published: date(3),
          authors: [{ name: 'Mal\u0006lory\u0007' }],
          tags: ['feed\u0012tag'],
        },
      ],
    }),
  })
  const server = await startGateway([
    { name: 'ctrl', root: join(parent, 'ctrl') },
    { name: 'mallory', root: join(parent, 'mallory') },
  ])
  port = server.port
  await server.state.index.ready()
})

describe('/timeline.xml with characters XML 1.0 forbids', () => {
  it('stays well-formed when a status title holds NUL and a vertical tab', async () => {
    const res = await get(port, '/timeline.xml?space=ctrl')
    expect(res.status).toBe(200)
    expectWellFormed(res.text)
    const [entry] = parseFeed(res.text).items
    expect(entry!.title).toBe('badtitle')
    expect(entry!.content).toBe('ctrl')
  })

  it('drops them from text, HTML, titles, summaries, tags, links, ids and a feed author', async () => {
    const res = await get(port, '/timeline.xml?space=mallory')
    expectWellFormed(res.text)
    expect(res.text).not.toMatch(NOT_XML)
    // A lone surrogate is dropped, not sent as U+FFFD; a real pair is kept.
    expect(res.text).not.toContain('\ufffd')
    const [feed, html, text] = parseFeed(res.text).items
    expect(text!.title).toBe('lone high low, a pair 😀')
    expect(text!.content).toBe('onetwo\tthree\nfour five end')
    expect(text!.categories.map((c) => c.term)).toEqual(['tag', 'oktag'])
    expect(html!.content).toBe('<p>html <b>bold</b> formfeed</p>')
    expect(feed!.title).toBe('feed title')
    expect(feed!.content).toBe('feed text')
    expect(feed!.description).toBe('feed summary')
    expect(feed!.authors.map((a) => a.name)).toEqual(['Mallory'])
    expect(feed!.categories.map((c) => c.term)).toEqual(['feedtag'])
    // Control characters never get into an item at all (parsers drop them), ids included.
    expect(feed!.id).toBe(`urn:syncweb:item:mallory%3Afeed.json%23entry`)
    expect(feed!.url).not.toMatch(NOT_XML)
  })

  it('stays well-formed across every space and page, with its links', async () => {
    const res = await get(port, '/timeline.xml?limit=1')
    expectWellFormed(res.text)
    const next = /<link rel="next" href="([^"]+)"\/>/.exec(res.text)![1]!.replaceAll('&amp;', '&')
    const older = await get(port, new URL(next).pathname + new URL(next).search)
    expect(older.status).toBe(200)
    expectWellFormed(older.text)
    expectWellFormed((await get(port, '/timeline.xml')).text)
  })
})

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

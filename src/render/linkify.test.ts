import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { linkify, mentionsOf, twtxtSubject, type LinkifyContext } from './linkify.js'
import { sanitizeItemHtml } from './sanitize.js'

const PROLOGIC = 'https://twtxt.net/user/prologic/twtxt.txt'
const SPACES = new Map([
  ['alice', 'alice'],
  ['bob', 'bob'],
  ['prologic', 'prologic'],
])
const FEEDS = new Map([[PROLOGIC, 'prologic']])
const GATEWAY = 'http://localhost:4747'

const context = (more: Partial<LinkifyContext> = {}): LinkifyContext => ({
  spaceFor: (name) => SPACES.get(name),
  spaceForUrl: (url) => FEEDS.get(url),
  ...more,
})
const html = (text: string, more?: Partial<LinkifyContext>) => linkify(text, context(more))
const a = (href: string, shown: string) =>
  `<a rel="nofollow noopener noreferrer" href="${href}">${shown}</a>`

describe('linkify: twtxt mentions @<nick url> and @<url>', () => {
  it('links @<prologic https://twtxt.net/user/prologic/twtxt.txt> to the followed space', () => {
    expect(html(`@<prologic ${PROLOGIC}> hi`)).toBe(
      '<a rel="nofollow noopener noreferrer" href="/@prologic/">@prologic</a> hi',
    )
  })

  it('puts the gateway before /@NAME/ when given one, with or without a trailing slash', () => {
    expect(html(`@<prologic ${PROLOGIC}> hi`, { gateway: GATEWAY })).toBe(
      `${a('http://localhost:4747/@prologic/', '@prologic')} hi`,
    )
    expect(html(`@<prologic ${PROLOGIC}>`, { gateway: `${GATEWAY}//` })).toBe(
      a('http://localhost:4747/@prologic/', '@prologic'),
    )
  })

  it('links an unknown feed to its URL, shown as @nick', () => {
    expect(html('@<carol https://carol.example/twtxt.txt> hi')).toBe(
      `${a('https://carol.example/twtxt.txt', '@carol')} hi`,
    )
  })

  it('falls back to the nick (lower-cased) when the URL is not a followed feed', () => {
    expect(html('(#o6dsrga) @<Bob http://x.example/twtxt.txt> yes')).toBe(
      `(#o6dsrga) ${a('/@bob/', '@Bob')} yes`,
    )
  })

  it('lets a known URL win over the nick written beside it', () => {
    expect(html(`@<alice ${PROLOGIC}>`)).toBe(a('/@prologic/', '@alice'))
  })

  it('shows @<url> as the followed space’s name, else as a short host/path', () => {
    expect(html(`@<${PROLOGIC}>`)).toBe(a('/@prologic/', '@prologic'))
    expect(html('@<https://www.carol.example/user/carol/twtxt.txt>')).toBe(
      a('https://www.carol.example/user/carol/twtxt.txt', '@carol.example/user/carol'),
    )
    expect(html('@<https://carol.example/>')).toBe(a('https://carol.example/', '@carol.example'))
    expect(html(`@<https://carol.example/${'x'.repeat(60)}>`)).toBe(
      a(`https://carol.example/${'x'.repeat(60)}`, `@carol.example/${'x'.repeat(25)}…`),
    )
  })

  it('writes the URL as safeHttpUrl serialises it, and escapes the nick', () => {
    expect(html('@<a&"b HTTPS://Carol.Example/x?q=1&r=2>')).toBe(
      a('https://carol.example/x?q=1&amp;r=2', '@a&amp;"b'),
    )
  })

  it.each([
    ['@<javascript:alert(1)>', '@&lt;javascript:alert(1)&gt;'],
    ['@<bob javascript:alert(1)>', '@&lt;bob javascript:alert(1)&gt;'],
    [
      '@<x data:text/html,<script>alert(1)</script>>',
      '@&lt;x data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;&gt;',
    ],
    ['@<bob //evil.example/twtxt.txt>', '@&lt;bob //evil.example/twtxt.txt&gt;'],
    [
      '@<bob https://bank.example@evil.example/>',
      '@&lt;bob https://bank.example@evil.example/&gt;',
    ],
    ['@<bob>', '@&lt;bob&gt;'],
    ['@<>', '@&lt;&gt;'],
  ])('leaves %s as text', (text, expected) => {
    expect(html(text)).toBe(expected)
  })

  it('reads a malformed mention as text, and a URL inside it as a URL', () => {
    expect(html('@<bob https://x.example/ extra>')).toBe(
      `@&lt;bob ${a('https://x.example/', 'https://x.example/')} extra&gt;`,
    )
  })

  it('ignores a lookup answer that is not a space name', () => {
    for (const bad of ['../etc', '"><script>', 'Bob', '-x', ''])
      expect(html(`@<bob https://x.example/> @bob`, { spaceFor: () => bad })).toBe(
        `${a('https://x.example/', '@bob')} @bob`,
      )
  })
})

describe('linkify: @name', () => {
  it('links @alice and @Alice to /@alice/, shown as written', () => {
    const asked: string[] = []
    const spaceFor = (name: string) => (asked.push(name), SPACES.get(name))
    expect(html('hi @alice and @Alice!', { spaceFor })).toBe(
      `hi ${a('/@alice/', '@alice')} and ${a('/@alice/', '@Alice')}!`,
    )
    expect(asked).toEqual(['alice', 'alice'])
  })

  it('leaves a name that is not a followed space as text', () => {
    expect(html('@carol hi')).toBe('@carol hi')
  })

  it.each([
    ['bob@alice.example', 'bob@alice.example'],
    ['@bob@mastodon.example', '@bob@mastodon.example'],
    ['@bob.example', '@bob.example'],
    ['@bob_x', '@bob_x'],
    ['@bobé', '@bobé'],
    ['@-bob', '@-bob'],
    ['@ bob', '@ bob'],
    [`@${'b'.repeat(64)}`, `@${'b'.repeat(64)}`],
  ])('does not read %s as a mention of bob', (text, expected) => {
    expect(html(text)).toBe(expected)
  })

  it('ends a name before trailing punctuation and hyphens', () => {
    expect(html('thanks @bob. (@alice) @bob-')).toBe(
      `thanks ${a('/@bob/', '@bob')}. (${a('/@alice/', '@alice')}) ${a('/@bob/', '@bob')}-`,
    )
  })
})

describe('linkify: plain URLs', () => {
  it('links http and https URLs, shown as written', () => {
    expect(html('see https://bob.example/a?b=1&c=2 and HTTP://Bob.Example/X')).toBe(
      `see ${a('https://bob.example/a?b=1&amp;c=2', 'https://bob.example/a?b=1&amp;c=2')} and ${a('http://bob.example/X', 'HTTP://Bob.Example/X')}`,
    )
  })

  it('keeps the parentheses of https://en.wikipedia.org/wiki/Clock_(disambiguation)', () => {
    const url = 'https://en.wikipedia.org/wiki/Clock_(disambiguation)'
    expect(html(`${url}.`)).toBe(`${a(url, url)}.`)
    expect(html(`(see ${url})`)).toBe(`(see ${a(url, url)})`)
  })

  it.each([
    ['https://x.example/a.', 'https://x.example/a', '.'],
    ['https://x.example/a,', 'https://x.example/a', ','],
    ['https://x.example/a!', 'https://x.example/a', '!'],
    ['https://x.example/a?', 'https://x.example/a', '?'],
    ['https://x.example/a:', 'https://x.example/a', ':'],
    ['https://x.example/a;', 'https://x.example/a', ';'],
    ["https://x.example/a'", 'https://x.example/a', "'"],
    ['https://x.example/a).', 'https://x.example/a', ').'],
    ['https://x.example/a]', 'https://x.example/a', ']'],
    ['https://x.example/[a]', 'https://x.example/[a]', ''],
    ['https://x.example/a?!...', 'https://x.example/a', '?!...'],
    ['https://x.example/a。', 'https://x.example/a', '。'],
  ])('leaves the trailing punctuation of %s out of the link', (text, url, after) => {
    expect(html(text)).toBe(a(url, url) + after)
  })

  it('ends a URL at <, >, " and a backtick', () => {
    expect(html('<https://x.example/a>')).toBe(
      `&lt;${a('https://x.example/a', 'https://x.example/a')}&gt;`,
    )
    expect(html('`https://x.example/a`')).toBe(
      `\`${a('https://x.example/a', 'https://x.example/a')}\``,
    )
  })

  it('does not let http://x.example/"onmouseover="alert(1) out of its attribute', () => {
    expect(html('http://x.example/"onmouseover="alert(1)')).toBe(
      `${a('http://x.example/', 'http://x.example/')}"onmouseover="alert(1)`,
    )
    expect(html("http://x.example/'onmouseover='alert(1)")).toBe(
      a("http://x.example/'onmouseover='alert(1)", "http://x.example/'onmouseover='alert(1)"),
    )
  })

  it('percent-encodes what the URL parser encodes, and shows the text as written', () => {
    expect(html('https://de.wikipedia.org/wiki/Straße')).toBe(
      a('https://de.wikipedia.org/wiki/Stra%C3%9Fe', 'https://de.wikipedia.org/wiki/Straße'),
    )
  })

  it('keeps a fragment in the URL, not as a tag', () => {
    expect(html('https://x.example/#intro')).toBe(
      a('https://x.example/#intro', 'https://x.example/#intro'),
    )
  })

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html;base64,PHNjcmlwdD4=',
    'vbscript:msgbox(1)',
    'ftp://x.example/',
    '//evil.example/',
    'http://',
    'https://[::1',
    'https://user:pw@x.example/',
    `https://x.example/${'a'.repeat(3000)}`,
  ])('leaves %s as text', (text) => {
    expect(html(text)).toBe(text)
  })
})

describe('linkify: #tags', () => {
  it('links #tags to the filtered timeline, percent-encoded', () => {
    expect(html('#tea and #été #日本語 #a_b-c #1')).toBe(
      `${a('/timeline?tag=tea', '#tea')} and ${a('/timeline?tag=%C3%A9t%C3%A9', '#été')} ${a('/timeline?tag=%E6%97%A5%E6%9C%AC%E8%AA%9E', '#日本語')} ${a('/timeline?tag=a_b-c', '#a_b-c')} ${a('/timeline?tag=1', '#1')}`,
    )
  })

  it('puts the gateway before /timeline', () => {
    expect(html('#tea', { gateway: GATEWAY })).toBe(
      a('http://localhost:4747/timeline?tag=tea', '#tea'),
    )
  })

  it('reads a tag inside parentheses and before punctuation, but not after a word or &', () => {
    expect(html('tea (#tea), #tea. a#b é#b 1#b _#b x&#39;s')).toBe(
      `tea (${a('/timeline?tag=tea', '#tea')}), ${a('/timeline?tag=tea', '#tea')}. a#b é#b 1#b _#b x&amp;#39;s`,
    )
  })

  it('takes 1-64 characters with one letter or digit, else leaves the text', () => {
    const long = 'a'.repeat(64)
    expect(html(`#${long}`)).toBe(a(`/timeline?tag=${long}`, `#${long}`))
    expect(html(`#${long}a`)).toBe(`#${long}a`)
    expect(html('# #- #__ ##')).toBe('# #- #__ ##')
  })
})

describe('linkify: the twtxt subject', () => {
  it('leaves (#o6dsrga) as text and links the rest of (#o6dsrga) @<bob …> yes (really)', () => {
    expect(html('(#o6dsrga) @<bob http://x.example/twtxt.txt> yes (really)')).toBe(
      '(#o6dsrga) <a rel="nofollow noopener noreferrer" href="/@bob/">@bob</a> yes (really)',
    )
  })

  it('leaves (#<o6dsrga https://twtxt.net/search?tag=o6dsrga>) as text, URL included', () => {
    expect(html('(#<o6dsrga https://twtxt.net/search?tag=o6dsrga>) agreed')).toBe(
      '(#&lt;o6dsrga https://twtxt.net/search?tag=o6dsrga&gt;) agreed',
    )
  })

  it('finds the subject after leading mentions, and reads later (#tags) as tags', () => {
    expect(html(`@<prologic ${PROLOGIC}> (#o6dsrga) yes (#tea)`)).toBe(
      `${a('/@prologic/', '@prologic')} (#o6dsrga) yes (${a('/timeline?tag=tea', '#tea')})`,
    )
  })
})

describe('linkify: text', () => {
  it('escapes <script> in text', () => {
    expect(html('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('escapes & so that &amp; shows as written', () => {
    expect(html('fish &amp; chips & tea &lt;3')).toBe('fish &amp;amp; chips &amp; tea &amp;lt;3')
  })

  it('turns each kind of line end into <br /> and trims the ends', () => {
    expect(html('\n a\nb\r\nc\rd\u2028e\u2029f \n')).toBe('a<br />b<br />c<br />d<br />e<br />f')
  })

  it('leaves quotes in text, where they are harmless', () => {
    expect(html(`"it's"`)).toBe(`"it's"`)
  })
})

describe('linkify output through sanitizeItemHtml', () => {
  const base = { space: 'mallory', dir: 'status' }
  const samples = [
    `@<prologic ${PROLOGIC}> hi`,
    '(#o6dsrga) @<bob http://x.example/twtxt.txt> yes (really)',
    '(#<o6dsrga https://twtxt.net/search?tag=o6dsrga>) agreed',
    'see https://en.wikipedia.org/wiki/Clock_(disambiguation). (https://x.example/a?b=1&c=2)!',
    '<script>alert(1)</script> &amp; &lt; "\'',
    '@<javascript:alert(1)> http://x.example/"onmouseover="alert(1)',
    '@alice @carol #tea #été a#b\nline\r\nline\u2028line',
    '@<https://carol.example/user/carol/twtxt.txt> https://de.wikipedia.org/wiki/Straße',
    '\u0000 \u0001 \ud800 \ufeff x\u00a0y',
  ]

  it('changes nothing when the gateway origin is given', () => {
    for (const text of samples) {
      const out = html(text, { gateway: GATEWAY })
      expect(sanitizeItemHtml(out, base)).toBe(out)
    }
  })

  it('only moves root-relative gateway links into the item’s space when none is given', () => {
    // The sanitizer reads `/@alice/` in a friend's HTML as a path in that friend's space: so
    // linkify's output is not sanitized again with a space base, or it is given the gateway.
    const out = html('@alice #tea https://x.example/')
    expect(sanitizeItemHtml(out, base)).toBe(
      `${a('/@mallory/@alice/', '@alice')} ${a('/@mallory/timeline?tag=tea', '#tea')} ${a('https://x.example/', 'https://x.example/')}`,
    )
  })

  it('changes nothing for any text made of mentions, URLs, tags, markup and odd characters', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '@<',
        '>',
        '@',
        '#',
        '(',
        ')',
        '[',
        ']',
        '<',
        '&',
        '"',
        "'",
        ' ',
        '\n',
        '\r',
        '\t',
        '\u2028',
        '\u0000',
        '\u007f',
        '\ud800',
        '\udc00',
        '.',
        ',',
        '!',
        '?',
        'é',
        '😀',
        'http://',
        'https://',
        'x.example/',
        'javascript:',
        '@alice',
        '@bob',
        'bob ',
        '#tea',
        '(#abc1234)',
        '&amp;',
        '<b>',
        '</a>',
        '<br>',
      ),
      fc.string({ maxLength: 4 }),
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const out = html(pieces.join(''), { gateway: GATEWAY })
        expect(sanitizeItemHtml(out, base)).toBe(out)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('linkify, mentionsOf and twtxtSubject on hostile text', () => {
  const SIZE = 64 * 1024
  const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE)
  const patterns = [
    '@<',
    'http://',
    'https://',
    '#',
    '(((',
    ')))',
    '(#',
    '(#<',
    '@',
    '@a',
    '@a ',
    '@<a ',
    '@<a b',
    '@<a http://x.example/> ',
    '@<http://x.example/> ',
    'http:// ',
    'http://[ ',
    'http://x.example/ ',
    '#a ',
    '#a',
    'é#',
    '😀#',
    '&<>"',
    '\n',
    '\r\n',
    '\ud800',
  ]
  const ends = [
    `https://x.example/${'('.repeat(SIZE)}`,
    `https://x.example/${')'.repeat(SIZE)}`,
    `https://x.example/${'.'.repeat(SIZE)}`,
    `@${'a'.repeat(SIZE)}`,
    `@<${'a'.repeat(SIZE)}`,
    `@<a ${' '.repeat(SIZE)}>`,
    `#${'a'.repeat(SIZE)}`,
    `(#${'a'.repeat(SIZE)})`,
    `${' '.repeat(SIZE)}(#x)`,
    `${'@<a b> '.repeat(SIZE / 7)}(#x)`,
  ]
  const everyone: LinkifyContext = {
    spaceFor: () => 'alice',
    spaceForUrl: () => undefined,
    gateway: GATEWAY,
  }
  // The first call compiles the scanner; what is measured is the work done per character.
  linkify('warm up: @<a https://x.example/> @a #a https://x.example/ (#x)', everyone)

  it.each([
    ...patterns.map((p) => [JSON.stringify(p), fill(p)]),
    ...ends.map((t) => [JSON.stringify(t.slice(0, 24)), t]),
  ])('reads 64 KB of %s in well under 100 ms', (_, text) => {
    for (const run of [
      () => linkify(text, everyone),
      () => mentionsOf(text),
      () => twtxtSubject(text),
    ]) {
      const started = performance.now()
      run()
      expect(performance.now() - started).toBeLessThan(100)
    }
  })
})

describe('mentionsOf', () => {
  it('lists every mention in order, as written', () => {
    expect(
      mentionsOf(
        `(#o6dsrga) @<prologic ${PROLOGIC}> @<https://carol.example/tw.txt> @Alice, @carol and @alice again`,
      ),
    ).toEqual([
      { nick: 'prologic', url: PROLOGIC },
      { url: 'https://carol.example/tw.txt' },
      { name: 'alice' },
      { name: 'carol' },
      { name: 'alice' },
    ])
  })

  it('gives URLs as safeHttpUrl serialises them', () => {
    expect(mentionsOf('@<Bob HTTPS://Bob.Example>')).toEqual([
      { nick: 'Bob', url: 'https://bob.example/' },
    ])
  })

  it('leaves out what linkify shows as text', () => {
    expect(
      mentionsOf(
        '@<javascript:alert(1)> @<bob ftp://x.example/> bob@alice.example @bob@host.example #tea https://x.example/@alice',
      ),
    ).toEqual([])
  })
})

describe('twtxtSubject', () => {
  it('reads (#o6dsrga) at the start, other parentheses being text', () => {
    expect(twtxtSubject('(#o6dsrga) @<bob http://x.example/twtxt.txt> yes (really)')).toEqual({
      hash: 'o6dsrga',
      rest: '@<bob http://x.example/twtxt.txt> yes (really)',
    })
  })

  it('reads the hash (and a safe URL) of (#<o6dsrga https://twtxt.net/search?tag=o6dsrga>)', () => {
    expect(twtxtSubject('(#<o6dsrga https://twtxt.net/search?tag=o6dsrga>) agreed')).toEqual({
      hash: 'o6dsrga',
      url: 'https://twtxt.net/search?tag=o6dsrga',
      rest: 'agreed',
    })
    expect(twtxtSubject('(#<o6dsrga javascript:alert(1)>) agreed')).toEqual({
      hash: 'o6dsrga',
      rest: 'agreed',
    })
    expect(twtxtSubject('(#<o6dsrga>) agreed')).toEqual({ hash: 'o6dsrga', rest: 'agreed' })
  })

  it('reads the subject after leading mentions, and keeps them in the rest', () => {
    expect(twtxtSubject(`@<prologic ${PROLOGIC}> @alice  (#o6dsrga)  yes`)).toEqual({
      hash: 'o6dsrga',
      rest: `@<prologic ${PROLOGIC}> @alice yes`,
    })
    expect(twtxtSubject('@<bob http://x.example/twtxt.txt> (#o6dsrga)')).toEqual({
      hash: 'o6dsrga',
      rest: '@<bob http://x.example/twtxt.txt>',
    })
  })

  it('takes whatever follows # up to ) as the hash', () => {
    expect(twtxtSubject('(#Some-Hash_1) x')).toEqual({ hash: 'Some-Hash_1', rest: 'x' })
  })

  it.each([
    'yes (#o6dsrga)',
    '(really) (#o6dsrga)',
    '(#o6dsrga',
    '(# o6dsrga)',
    '(#)',
    '(#o6 dsrga)',
    '(#<o6dsrga https://x.example/)',
    `(#${'a'.repeat(65)})`,
    'bob@alice (#o6dsrga)',
    '',
  ])('finds none in %j', (text) => {
    expect(twtxtSubject(text)).toBeUndefined()
  })
})

import { join } from 'node:path'
import { Parser } from 'htmlparser2'
import { beforeAll, describe, expect, it } from 'vitest'
import { get, getJson, startGateway, tempDir, writeFiles } from './helpers.js'

// Payloads that have each broken some sanitizer somewhere. Every one must come out inert.
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '<svg onload=alert(3)><circle r=1></svg>',
  '<a href="javascript:alert(4)">click</a>',
  '<a href="JaVaScRiPt:alert(5)">click</a>',
  '<a href="java&#x09;script:alert(6)">click</a>',
  '<a href="&#106;avascript:alert(7)">click</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<iframe srcdoc="<script>alert(9)</script>"></iframe>',
  '<form action="https://evil.example/"><input name=p><button>go</button></form>',
  '<style>body{display:none}</style>',
  '<p style="position:fixed;inset:0;background:url(https://evil.example/)">cover</p>',
  '<object data="evil.swf"></object><embed src="evil.swf">',
  '<math><mi xlink:href="javascript:alert(14)">x</mi></math>',
  '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4=">',
  '<a href="data:text/html,<script>alert(16)</script>">data</a>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<base href="https://evil.example/">',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<div onmouseover="alert(20)">hover</div>',
  '<details open ontoggle=alert(21)><summary>x</summary></details>',
  '<noscript><p title="</noscript><img src=x onerror=alert(22)>">',
  '<scr<script>ipt>alert(23)</scr</script>ipt>',
  '"><script>alert(24)</script>',
  '<a href="vbscript:msgbox(25)">vb</a>',
  '<img srcset="x 1x, javascript:alert(26) 2x">',
  '<video><source onerror="alert(27)"></video>',
  '<template><script>alert(28)</script></template>',
  '<a href="//evil.example/protocol-relative">pr</a>',
  '<textarea><script>alert(30)</script></textarea>',
]

// Inert means: as a browser would parse it, no element that runs or loads code or styles,
// no event handler, no URL with a scheme that runs code. Text may say anything (escaped).
const FORBIDDEN_TAGS = new Set([
  'script',
  'iframe',
  'frame',
  'form',
  'input',
  'button',
  'textarea',
  'style',
  'svg',
  'math',
  'object',
  'embed',
  'meta',
  'base',
  'link',
  'template',
  'noscript',
  'video',
  'source',
])
const SAFE_URL = /^(https?:|mailto:|\/|#|data:image\/(png|gif|jpe?g|webp|avif);)/i

function expectInert(html: string) {
  const found: string[] = []
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (FORBIDDEN_TAGS.has(name)) found.push(`<${name}>`)
        for (const [attribute, value] of Object.entries(attributes)) {
          if (
            attribute.startsWith('on') ||
            attribute === 'style' ||
            attribute === 'srcset' ||
            attribute === 'srcdoc'
          ) {
            found.push(`${name}[${attribute}]`)
          }
          if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(attribute)) {
            if (!SAFE_URL.test(value.trim()) || value.trim().startsWith('//'))
              found.push(`${name}[${attribute}=${value}]`)
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true },
  )
  parser.write(html)
  parser.end()
  expect(found, html.slice(0, 300)).toEqual([])
}

let port: number

beforeAll(async () => {
  const root = join(await tempDir(), 'mallory')
  const files: Record<string, string> = {}
  const entries: string[] = []
  PAYLOADS.forEach((payload, i) => {
    const date = new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString()
    files[`status/html-${i}.json`] = JSON.stringify({ html: `<p>ok ${i}</p>${payload}`, date })
    files[`status/text-${i}.json`] = JSON.stringify({
      text: `text ${i} ${payload}`,
      title: payload,
      date,
    })
    files[`posts/2026-10-${String((i % 28) + 1).padStart(2, '0')}-md-${i}.md`] =
      `---\ntitle: ${JSON.stringify(`md ${i} ${payload}`)}\n---\n\nmarkdown ${i} ${payload}\n\n[link](javascript:alert(${i}))\n`
    entries.push(
      `<entry><title>feed ${i}</title><id>e${i}</id><updated>${date}</updated><link href="/e${i}"/><content type="html">${escapeXml(`<p>feed ${i}</p>${payload}`)}</content></entry>`,
    )
  })
  files['atom.xml'] =
    `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>m</title><id>m</id><updated>2026-11-01T00:00:00Z</updated>${entries.join('')}</feed>`
  await writeFiles(root, files)
  const server = await startGateway([{ name: 'mallory', root }])
  port = server.port
  await server.state.index.ready()
})

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

describe(`${PAYLOADS.length} XSS payloads in status HTML, status text, Markdown and feed entries`, () => {
  it('are all indexed (nothing is silently dropped)', async () => {
    const { body } = await getJson(port, '/api/spaces/mallory')
    expect(body.items).toBe(PAYLOADS.length * 4)
  })

  it('come out inert in /timeline.json', async () => {
    const { body } = await getJson(port, '/timeline.json?limit=200')
    expect(body.items).toHaveLength(PAYLOADS.length * 4)
    for (const item of body.items) {
      if (item.content_html) expectInert(item.content_html)
    }
    // Text is text: it may mention <script>, and the page escapes it.
    expect(body.items.some((i: any) => i.content_text?.includes('<script>'))).toBe(true)
  })

  it('come out inert on /timeline, with the text escaped', async () => {
    let html = ''
    for (let page = '/timeline?limit=200'; ;) {
      const res = await get(port, page, { Accept: 'text/html' })
      html += res.text
      const older = /href="([^"]+)" rel="next"/.exec(res.text)?.[1]
      if (!older) break
      page = older.replaceAll('&amp;', '&')
    }
    // The items, not the page around them (which has our own <meta>, <link> and <template>).
    const regions = [
      ...html.matchAll(/<div class="items" id="items">([\s\S]*?)<nav class="pager">/g),
    ]
    expect(regions.length).toBeGreaterThan(0)
    for (const [, region] of regions) {
      // Each item's menu is the gateway's own (mute buttons); what a friend wrote is the rest.
      const menus = [...region!.matchAll(/<details class="item-menu"[\s\S]*?<\/details>/g)]
      for (const [menu] of menus)
        expect(
          menu.replace(
            /<button type="button" data-mute="(space|tag)" data-value="[^"<>]*">[^<>]*<\/button>/g,
            '',
          ),
        ).not.toMatch(/<(?!\/?(details|summary|div|p)\b)/)
      expectInert(region!.replace(/<details class="item-menu"[\s\S]*?<\/details>/g, ''))
    }
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('<p>ok 0</p>')
    expect(html).toContain('>feed 0</a>')
  })

  it('come out inert in /timeline.xml', async () => {
    const res = await get(port, '/timeline.xml?limit=200')
    // Read strictly (feedsmith decodes entities once, as XML defines; @rowanmanning/feed-parser
    // decodes HTML content once more, turning an escaped `&lt;script&gt;` into markup).
    const { parseAtomFeed } = await import('feedsmith')
    const json = (await getJson(port, '/timeline.json?limit=200')).body
    const entries = parseAtomFeed(res.text).entries ?? []
    expect(json.items.length).toBeGreaterThan(0)
    expect(entries).toHaveLength(json.items.length)
    // Text content (type="text") is shown as text by readers; HTML content must be inert.
    entries.forEach(
      (entry, i) => json.items[i].content_html && expectInert(entry.content?.value ?? ''),
    )
  })

  it('keep what is harmless: paragraphs, links into the space', async () => {
    const { body } = await getJson(port, '/timeline.json?kind=feed&limit=1')
    expect(body.items[0].content_html).toMatch(/^<p>feed \d+<\/p>/)
    expect(body.items[0].url).toMatch(/\/@mallory\/e\d+$/)
  })
})

describe('links from friend data (twtxt follows, follows.json, status and feed URLs)', () => {
  // Each URL the gateway writes as a link must pass one policy (src/safe-url.ts): absolute
  // http(s), parseable, no credentials. Everything else is text.
  let port: number

  beforeAll(async () => {
    const root = join(await tempDir(), 'eve')
    const date = '2026-11-01T00:00:00Z'
    await writeFiles(root, {
      'twtxt.txt': [
        '# nick = eve',
        '# follow = evil javascript:alert(document.domain)',
        '# follow = datum data:text/html,<script>alert(1)</script>',
        '# follow = vb vbscript:msgbox(1)',
        '# follow = bank https://bank.example@evil.example/',
        '# follow = good https://good.example/twtxt.txt',
        `${date}\thello`,
      ].join('\n'),
      'follows.json': JSON.stringify([
        { name: 'jsjson', url: 'JavaScript:alert(2)' },
        { name: 'datajson', url: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==' },
        { name: 'credsjson', url: 'https://user:pw@evil.example/' },
        { name: 'fine', url: 'https://fine.example/' },
      ]),
      'status/js.json': JSON.stringify({ text: 'js', url: 'javascript:alert(4)', date }),
      'status/creds.json': JSON.stringify({
        text: 'creds',
        url: 'https://bank.example@evil.example/',
        reply_to: 'data:text/html,x',
        html: '<a href="https://bank.example@evil.example/login">bank</a>',
        date,
      }),
      'status/ok.json': JSON.stringify({ text: 'ok', url: 'https://ok.example/page', date }),
    })
    const server = await startGateway([{ name: 'eve', root }])
    port = server.port
    await server.state.index.ready()
  })

  const unsafe = /^\s*(?:javascript|data|vbscript):|^[a-z]+:\/\/[^/]*@/i
  const hrefs = (html: string) =>
    [...html.matchAll(/\s(?:href|src)\s*=\s*"([^"]*)"/gi)].map((m) =>
      m[1]!.replaceAll('&amp;', '&').replaceAll('&#58;', ':'),
    )

  it('writes no javascript: or data: href on GET /, and keeps the safe follow links', async () => {
    const home = await get(port, '/', { Accept: 'text/html' })
    expect(home.status).toBe(200)
    expect(hrefs(home.text).filter((h) => unsafe.test(h))).toEqual([])
    expect(home.text).not.toMatch(/javascript:|data:text|vbscript:|evil\.example/i)
    expect(home.text).toContain('<a href="https://good.example/twtxt.txt">good</a>')
    expect(home.text).toContain('<a href="https://fine.example/">fine</a>')
    // An unsafe follow shows as its name, as text.
    const follows = /follows (.*)<\/span>/.exec(home.text)?.[1] ?? ''
    for (const name of ['evil', 'datum', 'vb', 'bank', 'jsjson', 'datajson', 'credsjson'])
      expect(follows.split(', ')).toContain(name)
  })

  it('lists no javascript: or data: URL in GET /api/spaces/NAME', async () => {
    const { status, body } = await getJson(port, '/api/spaces/eve')
    expect(status).toBe(200)
    expect(body.follows).toEqual([
      { name: 'jsjson' },
      { name: 'datajson' },
      { name: 'credsjson' },
      { name: 'fine', url: 'https://fine.example/' },
      { name: 'evil' },
      { name: 'datum' },
      { name: 'vb' },
      { name: 'bank' },
      { name: 'good', url: 'https://good.example/twtxt.txt' },
    ])
    expect(JSON.stringify(body)).not.toMatch(/javascript:|data:text|vbscript:|evil\.example/i)
  })

  it('keeps only http(s) links without credentials in /timeline.json and /timeline', async () => {
    const { body } = await getJson(port, '/timeline.json')
    const byText = new Map(body.items.map((i: any) => [i.content_text, i]))
    expect((byText.get('ok') as any).external_url).toBe('https://ok.example/page')
    expect(byText.get('js')).not.toHaveProperty('external_url')
    expect(byText.get('creds')).not.toHaveProperty('external_url')
    // A reply names its parent by ref: an opaque string, kept as written and never a link.
    const creds = (byText.get('creds') as any)._syncweb
    expect(creds.reply_to).toBe('data:text/html,x')
    const links = body.items.map(({ _syncweb: { reply_to, thread, ...rest }, ...item }: any) => ({
      ...item,
      _syncweb: rest,
    }))
    expect(JSON.stringify(links)).not.toMatch(/javascript:|data:text|evil\.example/i)
    const page = await get(port, '/timeline', { Accept: 'text/html' })
    expect(hrefs(page.text).filter((h) => unsafe.test(h))).toEqual([])
    expect(page.text).toContain('>bank</a>')
  })
})

import { execFileSync } from 'node:child_process'
import { rename, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  get,
  getJson,
  openEvents,
  serveCli,
  tempDir,
  writeFiles,
  writeLikeSync,
} from './helpers.js'

// What search reads of pages, which hits it gives for one place, and the operators a person
// types. Found by a newcomer's trial: "q=home" found nothing on a site whose menu ran its links
// together, pages of hits repeated or skipped a post, and "-tomatoes" found tomatoes.

const waitOpts = { timeout: 20_000, interval: 50 }
const status = (text: string, date = '2026-05-01T10:00:00Z') => JSON.stringify({ text, date })
const page = (title: string, body: string) =>
  `<html><head><title>${title}</title></head><body><nav><a href="/">Home</a><a href="/posts/">Posts</a></nav>${body}</body></html>`

let port: number
let root: string

beforeAll(async () => {
  const home = await tempDir()
  root = join(home, 'pal')
  const files: Record<string, string> = {
    'about.html': page('About me', '<h1>Garden</h1><p>I grow tomatoes</p><p>and kites</p>'),
    'table.html': page('Table', '<table><tr><td>alpha</td><td>beta</td></tr></table>'),
    '404.html': page('Not found', '<p>This tomatoes page is not here.</p>'),
    'status/a.json': status('Tomatoes and chisels'),
    'status/b.json': status('Kites over the river'),
    'status/c.json': status('Chisels for the workshop'),
  }
  // A blog: its home page lists each post as an h-entry leading to the post's own page, and
  // both match "marsh". One hit per post, however the hits are paged.
  let entries = ''
  for (let i = 0; i < 7; i++) {
    const day = String(i + 1).padStart(2, '0')
    entries += `<article class="h-entry"><a class="p-name u-url" href="/posts/p${i}/">Marsh walk ${i}</a><time class="dt-published" datetime="2026-04-${day}T10:00:00Z">x</time><p class="p-summary">A marsh walk.</p></article>`
    files[`blog/posts/p${i}/index.html`] = page(`Marsh walk ${i}`, `<p>A marsh walk, day ${i}.</p>`)
  }
  // Two h-entries leading to one place that is no page: one hit.
  for (const day of ['10', '11'])
    entries += `<article class="h-entry"><a class="p-name u-url" href="/posts/gone.html">Narwhal</a><time class="dt-published" datetime="2026-04-${day}T10:00:00Z">x</time><p class="p-summary">A narwhal.</p></article>`
  files['blog/index.html'] = `<html><head><title>Blog</title></head><body>${entries}</body></html>`
  await writeFiles(
    root,
    Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith('blog/'))),
  )
  await writeFiles(
    join(home, 'blog'),
    Object.fromEntries(
      Object.entries(files)
        .filter(([p]) => p.startsWith('blog/'))
        .map(([p, t]) => [p.slice(5), t]),
    ),
  )
  const config = join(home, 'config.json')
  await writeFile(
    config,
    JSON.stringify({ spaces: { pal: { path: root }, blog: { path: join(home, 'blog') } } }),
  )
  const server = await serveCli(['--config', config, '--cache-dir', join(home, 'cache')], {
    HOME: home,
  })
  port = server.port
  await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
})

const search = async (q: string, extra = '') =>
  (await getJson(port, `/api/search?q=${encodeURIComponent(q)}${extra}`)).body
const paths = async (q: string) => (await search(q)).hits.map((h: { path: string }) => h.path)

describe('the text of a page', () => {
  it('breaks between blocks, cells and links, and leaves out its title and menu', async () => {
    expect(await paths('tomatoes')).toContain('about.html')
    // "I grow tomatoes" and "and kites" were one word "tomatoesand"; alpha and beta "alphabeta".
    expect(await paths('"tomatoes and kites"')).toEqual(['about.html'])
    expect(await paths('beta')).toEqual(['table.html'])
    // The menu is on every page: no page is found by it, and no snippet shows it.
    expect(await paths('home')).toEqual([])
    const about = (await search('garden')).hits[0]
    expect(about.title).toBe('About me')
    expect(about.snippet).toBe('<mark>Garden</mark> I grow tomatoes and kites')
  })

  it('is not searched in a site\'s "not found" page', async () => {
    expect(await paths('"not here"')).toEqual([])
    expect((await get(port, '/@pal/404.html')).status).toBe(200)
  })
})

describe('hits of a place reached two ways', () => {
  it('are one hit when two items lead to a place that is no page', async () => {
    const hits = (await search('narwhal')).hits.filter((h: { kind: string }) => h.kind !== 'page')
    expect(hits.map((h: { url: string }) => new URL(h.url).pathname)).toEqual([
      '/@blog/posts/gone.html',
    ])
  })

  it('are one hit per place, the page, on every page of hits', async () => {
    const all = await search('marsh', '&limit=100')
    const urls = all.hits.map((h: { url: string }) => new URL(h.url).pathname)
    expect(urls).toHaveLength(8)
    expect(new Set(urls).size).toBe(8)
    expect(all.hits.filter((h: { kind: string }) => h.kind !== 'page')).toEqual([])
    // Paged two at a time, the same hits, each page full but the last.
    for (const limit of [1, 2, 3]) {
      let next: string | undefined = `/api/search?q=marsh&limit=${limit}`
      const paged: string[] = []
      while (next) {
        const body: any = (await getJson(port, next.replace(/^http:\/\/[^/]+/, ''))).body
        if (body.next_url) expect(body.hits).toHaveLength(limit)
        paged.push(...body.hits.map((h: { url: string }) => new URL(h.url).pathname))
        next = body.next_url
      }
      expect(paged.sort()).toEqual([...urls].sort())
    }
  })
})

describe('the search page', () => {
  it('says when it searches some spaces only, and keeps them for the next search', async () => {
    const html = (await get(port, '/search?q=marsh&space=blog')).text
    expect(html).toContain('<input type="hidden" name="space" value="blog">')
    expect(html).toMatch(/In @blog only · <a href="\/search\?q=marsh">search every space<\/a>/)
    expect((await get(port, '/search?q=marsh')).text).not.toContain('name="space"')
  })
})

describe('operators', () => {
  it('-word and NOT leave out, OR gives either, title: reads titles only', async () => {
    const texts = async (q: string) =>
      (await search(q)).hits.map((h: { snippet: string }) => h.snippet.replace(/<\/?mark>/g, ''))
    expect(await texts('chisels -tomatoes')).toEqual(['Chisels for the workshop'])
    expect(await texts('chisels NOT tomatoes')).toEqual(['Chisels for the workshop'])
    expect((await texts('river OR workshop')).sort()).toEqual([
      'Chisels for the workshop',
      'Kites over the river',
    ])
    expect(await texts('chisels AND workshop')).toEqual(['Chisels for the workshop'])
    expect(await paths('title:garden')).toEqual([])
    expect(await paths('title:about')).toEqual(['about.html'])
  })

  it('counts words as the tokenizer makes them: of.of.of… is not one word', async () => {
    const dotted = Array(40).fill('of').join('.')
    const res = await getJson(port, `/api/search?q=${encodeURIComponent(dotted)}`)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('q: at most 32 words')
    const phrase = `"${Array(32).fill('of').join(' ')}"`
    expect((await getJson(port, `/api/search?q=${encodeURIComponent(phrase)}`)).status).toBe(200)
  })

  it('a query of exclusions alone is a 400 that says why, on the page too', async () => {
    const res = await getJson(port, '/api/search?q=-tomatoes')
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe(
      'q: give words to find as well as words to leave out, e.g. kites -river',
    )
    const html = await get(port, '/search?q=NOT+tomatoes')
    expect(html.status).toBe(400)
    expect(html.text).toContain(
      'give words to find as well as words to leave out, e.g. kites -river',
    )
    const feed = await getJson(port, '/timeline.json?q=-tomatoes')
    expect(feed.status).toBe(400)
  })
})

describe('control characters in a query', () => {
  // SQLite ends an FTS5 string at a NUL; libsql then failed every later search, and a NUL in
  // /events?q= ended the gateway at the next change.
  it('are spaces: a NUL neither fails a search nor the ones after it, nor ends /events', async () => {
    for (const q of ['chis\0els', 'a\0b', '\u0001tomatoes\u007f']) {
      expect((await getJson(port, `/api/search?q=${encodeURIComponent(q)}`)).status).toBe(200)
    }
    expect(await paths('tomatoes\0')).toContain('about.html')
    expect(await paths('beta')).toEqual(['table.html'])
    const feed = await getJson(port, `/timeline.json?q=${encodeURIComponent('a\0b')}`)
    expect(feed.status).toBe(200)
    const events = openEvents(port, `/events?q=${encodeURIComponent('kites\0')}`)
    await events.connected
    await writeLikeSync(join(root, 'status/new.json'), status('kites at dusk'))
    await vi.waitFor(
      () => expect(events.messages.some((m) => m.data.includes('kites at dusk'))).toBe(true),
      waitOpts,
    )
    expect(await paths('dusk')).toEqual(['status/new.json'])
  })
})

describe('a file replaced while served by what a scan does not index', () => {
  it('a symlink out of the space or a FIFO: its old text leaves search and the timeline', async () => {
    await writeLikeSync(join(root, 'status/swap.json'), status('capybara status'))
    await writeLikeSync(join(root, 'notes/swap.txt'), 'llama notes')
    await vi.waitFor(async () => {
      expect(await paths('capybara')).toEqual(['status/swap.json'])
      expect(await paths('llama')).toEqual(['notes/swap.txt'])
    }, waitOpts)
    const outside = join(root, '..', 'outside.txt')
    await writeFile(outside, 'secret outside')
    await symlink(outside, join(root, 'status/link.tmp'))
    await rename(join(root, 'status/link.tmp'), join(root, 'status/swap.json'))
    execFileSync('mkfifo', [join(root, 'notes/fifo.tmp')])
    await rename(join(root, 'notes/fifo.tmp'), join(root, 'notes/swap.txt'))
    await vi.waitFor(async () => {
      expect(await paths('capybara')).toEqual([])
      expect(await paths('llama')).toEqual([])
    }, waitOpts)
    const feed = (await getJson(port, '/timeline.json?q=capybara')).body
    expect(feed.items).toEqual([])
    expect(await paths('secret')).toEqual([])
  })
})

describe('a query a page did not ask for as a person would', () => {
  // A phrase of common words costs up to a second at a million items: an <img> in a friend's
  // status, or another site's script, must not make the browser run them.
  const status = async (path: string, headers: Record<string, string>) =>
    (await get(port, path, headers)).status
  // What a browser says of a request: what it is for, its mode, whose page asked.
  const asked = (dest: string, mode: string, site: string) => ({
    'Sec-Fetch-Dest': dest,
    'Sec-Fetch-Mode': mode,
    'Sec-Fetch-Site': site,
  })
  const image = asked('image', 'no-cors', 'same-origin')
  const foreign = asked('empty', 'cors', 'cross-site')
  const own = asked('empty', 'cors', 'same-origin')
  const link = { ...asked('document', 'navigate', 'cross-site'), 'Sec-Fetch-User': '?1' }
  // Another site's script navigating (location.replace, a popup it steers): no Sec-Fetch-User.
  const scripted = asked('document', 'navigate', 'cross-site')

  it('is refused as an image or from another site, answered to a person and to tools', async () => {
    for (const path of [
      '/api/search?q=kites',
      '/search?q=kites',
      '/timeline.json?q=kites',
      '/timeline?q=kites',
      '/timeline.xml?q=kites',
    ]) {
      expect(await status(path, image)).toBe(403)
      expect(await status(path, foreign)).toBe(403)
      expect(await status(path, own)).toBe(200)
      expect(await status(path, {})).toBe(200)
    }
    expect(await status('/search?q=kites', link)).toBe(200)
    expect(await status('/timeline?q=kites', link)).toBe(200)
    expect(await status('/search?q=kites', scripted)).toBe(403)
    expect(await status('/api/search?q=kites', scripted)).toBe(403)
    // Without q=, nothing changes.
    expect(await status('/timeline.json', image)).toBe(200)
    const refused = await getJson(port, '/api/search?q=kites', image)
    expect(refused.body.error.message).toBe(
      'a search is not a resource for a page to load (Sec-Fetch-Dest: image)',
    )
  })
})

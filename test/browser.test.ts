import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Browser, type Frame, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unlink } from 'node:fs/promises'
import { loadConfig, type SpaceSettings } from '../src/config/config.js'
import type { RunningServer } from '../src/http/server/server.js'
import { ROOT, serveCli, startGateway, tempDir, writeFiles, writeLikeSync } from './helpers.js'
import { CHROMIUM, launchChromium } from './chromium.js'

const SHOTS = join(ROOT, 'test-results')

const hasChromium = existsSync(CHROMIUM)
if (!hasChromium)
  console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`)

describe.skipIf(!hasChromium)('the demo in a real browser', () => {
  let browser: Browser
  let port: number

  beforeAll(async () => {
    const home = await tempDir()
    port = (await serveCli([], { HOME: home, XDG_CONFIG_HOME: home })).port
    browser = await launchChromium()
    await mkdir(SHOTS, { recursive: true })
  })
  afterAll(() => browser?.close())

  it('goes home → a space on its own origin → a rendered Markdown post', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } })
    await page.goto(`http://localhost:${port}/`)
    await expect.poll(() => page.locator('.space').count()).toBe(3)
    // The gateway's own pages are not "served from a synced folder": only a space's pages say so.
    expect(await page.locator('.foot').textContent()).not.toContain('synced folder by')
    await page.screenshot({ path: join(SHOTS, 'home.png') })

    await page.locator('.spaces').getByRole('link', { name: "Bob's workshop" }).click()
    await page.waitForURL(`http://bob.localhost:${port}/`)
    await page.click('text=Posts')
    await page.waitForURL(`http://bob.localhost:${port}/posts/`)
    await page.screenshot({ path: join(SHOTS, 'listing.png') })

    await page.click('text=2026-11-20-clock-repair.md')
    await expect
      .poll(() => page.locator('article h1').textContent())
      .toBe('The clock strikes again')
    expect(await page.locator('.foot').textContent()).toContain('Served from a synced folder')
    // The gateway's stylesheet, loaded from http://localhost:PORT/_/, is applied on bob's origin.
    const display = await page.locator('.post-foot').evaluate((el) => getComputedStyle(el).display)
    expect(display).toBe('flex')
    expect(await page.locator('pre code .hljs-keyword').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(SHOTS, 'post.png'), fullPage: true })
    await page.close()
  })

  it('lands /@alice/ on alice.localhost, where her root-absolute stylesheet works', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } })
    const failed: string[] = []
    page.on('requestfailed', (r) => failed.push(r.url()))
    page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`))
    await page.goto(`http://localhost:${port}/@alice/posts/tomatoes.html`)
    expect(page.url()).toBe(`http://alice.localhost:${port}/posts/tomatoes.html`)
    // /css/site.css and /images/… are root-absolute in alice's HTML.
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    expect(background).toBe('rgb(255, 250, 243)')
    const imageWidth = await page
      .locator('figure img')
      .evaluate((img) => (img as HTMLImageElement).naturalWidth)
    expect(imageWidth).toBeGreaterThan(0)
    expect(failed).toEqual([])
    await page.screenshot({ path: join(SHOTS, 'alice.png') })

    await page.goto(`http://localhost:${port}/@alice/no-such-page`)
    expect(await page.locator('h2').textContent()).toBe('Nothing grows here')
    await page.close()
  })

  it('shows carol’s generated site and her twtxt file', async () => {
    const page = await browser.newPage()
    await page.goto(`http://localhost:${port}/@carol/`)
    expect(await page.locator('.post-list li').count()).toBe(2)
    await page.click('text=Night trains')
    await page.waitForURL(`http://carol.localhost:${port}/posts/night-trains/`)
    const twtxt = await page.goto(`http://carol.localhost:${port}/twtxt.txt`)
    expect(twtxt?.headers()['content-type']).toBe('text/plain; charset=utf-8')
    await page.close()
  })

  it('serves /@NAME/ in place to the gateway’s own fetch, with a sandbox CSP', async () => {
    const page = await browser.newPage()
    await page.goto(`http://localhost:${port}/`)
    // The gateway's own page fetches a space document: it is served, not redirected...
    const res = await page.evaluate(async () => {
      const r = await fetch('/@alice/', { redirect: 'manual' })
      return { status: r.status, csp: r.headers.get('content-security-policy') }
    })
    expect(res.status).toBe(200)
    expect(res.csp).toContain('sandbox')
    await page.close()
  })
})

describe.skipIf(!hasChromium)('the live timeline in a real browser', () => {
  let browser: Browser
  let port: number
  let root: string

  beforeAll(async () => {
    root = join(await tempDir(), 'bob')
    const files: Record<string, string> = {}
    for (let i = 0; i < 30; i++) {
      files[`status/${i}.json`] = JSON.stringify({
        text: `Earlier note number ${i}: sawdust, coffee, and a clock that finally works.`,
        date: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
      })
    }
    await writeFiles(root, files)
    const server = await startGateway([{ name: 'bob', root, title: "Bob's workshop" }])
    port = server.port
    await server.state.index.ready()
    browser = await launchChromium()
  })
  afterAll(() => browser?.close())

  it('shows a status file written into the folder without a reload, and removes it again', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(`http://localhost:${port}/timeline`)
    await page.waitForFunction(
      () => document.querySelector('.timeline')?.getAttribute('data-connected') === 'open',
    )
    const before = await page.locator('.item').count()

    await writeLikeSync(
      join(root, 'status/live.json'),
      JSON.stringify({
        html: '<p>Just arrived over <strong>Syncthing</strong>.</p>',
        date: new Date().toISOString(),
      }),
    )
    const item = page.locator('.item[data-id="bob:status/live.json"]')
    await item.waitFor({ timeout: 10_000 })
    expect(await page.locator('.item').count()).toBe(before + 1)
    expect(await page.locator('.item').first().getAttribute('data-id')).toBe('bob:status/live.json')
    expect(await item.locator('.content strong').textContent()).toBe('Syncthing')
    expect(await item.locator('time').textContent()).toBe('just now')
    await page.screenshot({ path: join(SHOTS, 'timeline-live.png') })

    await unlink(join(root, 'status/live.json'))
    await item.waitFor({ state: 'detached', timeout: 10_000 })
    expect(errors).toEqual([])
    await page.close()
  })

  it('says "1 new" when the reader has scrolled down', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } })
    await page.goto(`http://localhost:${port}/timeline`)
    await page.waitForFunction(
      () => document.querySelector('.timeline')?.getAttribute('data-connected') === 'open',
    )
    await page.evaluate(() => window.scrollTo(0, 1500))
    await writeLikeSync(
      join(root, 'status/while-scrolled.json'),
      JSON.stringify({ text: 'Posted while you were reading.' }),
    )
    const marker = page.locator('.new-marker')
    await marker.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await marker.textContent()).toBe('1 new ↑')
    await marker.click()
    await page.waitForFunction(() => window.scrollY < 10)
    await marker.waitFor({ state: 'hidden' })
    await page.close()
  })
})

describe.skipIf(!hasChromium)('posting from a real browser', () => {
  let browser: Browser
  let port: number
  /** The same spaces with "isolation": "sandbox": /@NAME/ pages are served in place, sandboxed. */
  let sandboxPort: number
  let me: string

  beforeAll(async () => {
    const dir = await tempDir()
    me = join(dir, 'ada')
    // Mallory's page tries every way a page can send a POST to the gateway.
    const attack = `<!doctype html><title>mallory</title><script>
      window.results = (async () => {
        const target = 'http://localhost:' + location.port + '/api/posts'
        const attempts = {
          json: () => fetch(target, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"pwned json"}' }),
          text: () => fetch(target, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"text":"pwned text"}' }),
          noCors: () => fetch(target, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{"text":"pwned no-cors"}' }),
          relative: () => fetch('/api/posts', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"pwned relative"}' }),
        }
        const out = {}
        for (const [name, attempt] of Object.entries(attempts)) {
          try { const r = await attempt(); out[name] = r.type === 'opaque' ? 'opaque' : r.status } catch (e) { out[name] = 'blocked' }
        }
        return out
      })()
    </script>`
    await writeFiles(dir, { 'ada/index.html': 'ada', 'mallory/index.html': attack })
    const spaces = [
      { name: 'ada', root: me },
      { name: 'mallory', root: join(dir, 'mallory') },
    ]
    port = (await startGateway(spaces, { me: 'ada' })).port
    sandboxPort = (await startGateway(spaces, { me: 'ada', isolation: 'sandbox' })).port
    browser = await launchChromium()
  })
  afterAll(() => browser?.close())

  const statusFiles = async () => {
    const { readdir } = await import('node:fs/promises')
    return (await readdir(me, { recursive: true }).catch(() => []))
      .map(String)
      .filter((f) => f.endsWith('.json'))
  }

  /** What mallory's page got from each attempt, once all of them have settled. */
  const attackResults = (frame: Frame) =>
    frame.evaluate(() => (window as unknown as { results: Promise<object> }).results)

  /**
   * Opens a document on the gateway's origin that frames `src`, and returns the frame. The
   * document is a stylesheet's: it has no CSP of its own, so nothing but the gateway's answer
   * for `src` decides where the frame runs.
   */
  async function framedOnGateway(page: Page, gatewayPort: number, src: string): Promise<Frame> {
    await page.goto(`http://localhost:${gatewayPort}/_/style.css`)
    // setContent resolves on the load event, which comes after the frame's own.
    await page.setContent(`<title>gateway</title><iframe src="${src}"></iframe>`)
    return (await (await page.$('iframe'))!.contentFrame())!
  }

  const opened = async (page: Page, url: string) => (await page.goto(url), page.mainFrame())

  it('refuses every POST from a space, on its own origin and sandboxed under /@NAME/', async () => {
    // Seen from another origin, a JSON POST to the gateway is stopped at its preflight, a text
    // one reaches the write guard but its answer is hidden, and a no-cors one is opaque.
    const crossOrigin = { json: 'blocked', text: 'blocked', noCors: 'opaque' }
    const own = `http://mallory.localhost:${port}/`
    const inPlace = `http://localhost:${sandboxPort}/@mallory/`
    const places = [
      // On its own origin, where /api/posts is a path of mallory's read-only space.
      { open: (page: Page) => opened(page, own), url: own, relative: 405 },
      // Framed by a page on the gateway's origin: the frame is sent to mallory.localhost.
      { open: (page: Page) => framedOnGateway(page, port, '/@mallory/'), url: own, relative: 405 },
      // "isolation": "sandbox": served in place under /@mallory/, in an opaque origin, where
      // even the relative POST is cross-origin.
      { open: (page: Page) => opened(page, inPlace), url: inPlace, relative: 'blocked' },
      {
        open: (page: Page) => framedOnGateway(page, sandboxPort, '/@mallory/'),
        url: inPlace,
        relative: 'blocked',
      },
    ]
    for (const { open, url, relative } of places) {
      const page = await browser.newPage()
      const frame = await open(page)
      expect(frame.url()).toBe(url)
      expect(await attackResults(frame)).toEqual({ ...crossOrigin, relative })
      await page.close()
    }
    expect(await statusFiles()).toEqual([])
  })

  it('with "isolation": "sandbox", runs /@NAME/ in place, away from the gateway’s storage and page', async () => {
    const page = await browser.newPage()
    const probe = () => {
      const read = (what: () => unknown) => {
        try {
          return what()
        } catch {
          return 'blocked'
        }
      }
      return {
        origin: self.origin,
        cookie: read(() => document.cookie),
        storage: read(() => localStorage.getItem('secret')),
        parent: read(() => (parent === window ? 'none' : parent.document.title)),
      }
    }
    // Something of the gateway origin's own, which the probe can read there.
    await page.goto(`http://localhost:${sandboxPort}/_/style.css`)
    await page.evaluate(() => {
      localStorage.setItem('secret', 'gateway')
      document.cookie = 'secret=gateway'
    })
    expect(await page.evaluate(probe)).toEqual({
      origin: `http://localhost:${sandboxPort}`,
      cookie: 'secret=gateway',
      storage: 'gateway',
      parent: 'none',
    })

    // A navigation is not sent to mallory.localhost: the page runs under /@mallory/, sandboxed.
    const res = await page.goto(`http://localhost:${sandboxPort}/@mallory/`)
    expect(res?.status()).toBe(200)
    expect(page.url()).toBe(`http://localhost:${sandboxPort}/@mallory/`)
    const sandboxed = { origin: 'null', cookie: 'blocked', storage: 'blocked' }
    expect(await page.evaluate(probe)).toEqual({ ...sandboxed, parent: 'none' })

    // Framed by a page on the gateway's origin, it cannot reach into that page either.
    const frame = await framedOnGateway(page, sandboxPort, '/@mallory/')
    expect(frame.url()).toBe(`http://localhost:${sandboxPort}/@mallory/`)
    expect(await frame.evaluate(probe)).toEqual({ ...sandboxed, parent: 'blocked' })
    await page.close()
  })

  it('posts from the compose box on the timeline, and the post appears there', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } })
    await page.goto(`http://localhost:${port}/timeline`)
    await page.waitForFunction(
      () => document.querySelector('.timeline')?.getAttribute('data-connected') === 'open',
    )
    await page.fill('#compose-text', 'Written in the compose box.')
    await page.click('#compose button')
    await page.locator('.compose-status', { hasText: 'Posted' }).waitFor({ timeout: 10_000 })
    await page
      .locator('.item', { hasText: 'Written in the compose box.' })
      .waitFor({ timeout: 10_000 })
    expect(await statusFiles()).toHaveLength(1)
    await page.screenshot({ path: join(SHOTS, 'compose.png') })
    await page.close()
  })
})

describe.skipIf(!hasChromium)('conversations in a real browser, as the user (me)', () => {
  // Generous: the machine is shared, and every wait below ends on a condition anyway.
  const WAIT = { timeout: 20_000 }
  let browser: Browser
  let server: RunningServer
  let port: number
  let root: string
  let configFile: string

  beforeAll(async () => {
    root = await tempDir()
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()
    await writeFiles(root, {
      'ada/profile.json': JSON.stringify({ name: 'Ada', nick: 'ada' }),
      'ada/status/root.json': JSON.stringify({
        id: 'ada-root',
        text: 'The clock tower is fixed!',
        date: ago(120),
      }),
      'bob/profile.json': JSON.stringify({ name: 'Bob' }),
      'bob/status/r1.json': JSON.stringify({
        id: 'bob-r1',
        text: 'Congratulations @ada!',
        date: ago(60),
        reply_to: 'ada-root',
      }),
      'cat/status/c1.json': JSON.stringify({
        id: 'cat-1',
        text: 'Cat says hello to everyone.',
        date: ago(30),
        tags: ['cats'],
      }),
    })
    configFile = join(root, 'config.json')
    const spaces = Object.fromEntries(
      ['ada', 'bob', 'cat'].map((name) => [name, { path: join(root, name) }]),
    )
    await writeFile(configFile, JSON.stringify({ me: 'ada', spaces }, null, 2))
    const config = (await loadConfig(configFile))!
    server = await startGateway(config.spaces as SpaceSettings[], { me: 'ada', file: configFile })
    port = server.port
    await server.state.index.ready()
    browser = await launchChromium()
    await mkdir(SHOTS, { recursive: true })
  })
  afterAll(() => browser?.close())

  /** A page of the gateway that records its errors, once its live stream is open. */
  async function open(path: string, errors: string[] = []): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(`http://localhost:${port}${path}`)
    await page.waitForFunction(
      () => document.querySelector('.timeline')?.getAttribute('data-connected') === 'open',
      undefined,
      WAIT,
    )
    return page
  }

  const bellCount = (page: Page) =>
    page
      .locator('.bell-count')
      .evaluate((el) => ((el as HTMLElement).hidden ? 0 : Number(el.textContent)))

  /** The status files of a space, parsed. */
  async function statuses(space: string): Promise<Array<Record<string, unknown>>> {
    const files = (await readdir(join(root, space, 'status'), { recursive: true }))
      .map(String)
      .filter((f) => f.endsWith('.json'))
    return Promise.all(
      files.map(async (f) => JSON.parse(await readFile(join(root, space, 'status', f), 'utf8'))),
    )
  }

  it('shows a friend’s new reply in the open conversation, indented, and the bell counts it', async () => {
    const errors: string[] = []
    const page = await open('/timeline?thread=ada-root', errors)
    expect(await page.locator('.item').count()).toBe(2)
    const before = await bellCount(page)

    await writeLikeSync(
      join(root, 'bob', 'status', 'r2.json'),
      JSON.stringify({
        id: 'bob-r2',
        text: 'One more thing, @ada: it strikes thirteen.',
        reply_to: 'bob-r1',
        date: new Date().toISOString(),
      }),
    )
    // The card the server rendered for this page: the gateway's own markup, at its depth.
    const card = page.locator('.item[data-ref="bob-r2"]')
    await card.waitFor(WAIT)
    await expect.poll(() => card.getAttribute('class'), WAIT).toContain('depth-2')
    expect(await card.locator('.who').textContent()).toBe('Bob')
    expect(await card.locator('.in-reply-to').textContent()).toBe('↩ in reply to Bob')
    expect(await card.locator('.content').textContent()).toContain('it strikes thirteen')
    // Last, after the reply it answers; and that reply now counts it.
    expect(await page.locator('.item').last().getAttribute('data-ref')).toBe('bob-r2')
    await expect
      .poll(() => page.locator('.item[data-ref="bob-r1"] .replies').textContent(), WAIT)
      .toBe('1 reply')
    await expect.poll(() => bellCount(page), WAIT).toBe(before + 1)
    expect(await page.locator('.bell').getAttribute('aria-label')).toBe(
      `Notifications, ${before + 1} unread`,
    )
    // One row: as a grid, the bell's hidden 🔔 text made a second row that lifted the icon.
    // (Inside the flex nav, inline-flex computes to flex.)
    expect(await page.locator('.bell').evaluate((a) => getComputedStyle(a).display)).toBe('flex')
    await page.screenshot({ path: join(SHOTS, 'conversation-live.png'), fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  })

  it('marks all read: the marks and the bar go, and stay gone after a reload', async () => {
    await writeLikeSync(
      join(root, 'cat', 'status', 'c2.json'),
      JSON.stringify({ text: 'Cat has news.', date: new Date().toISOString() }),
    )
    // Indexed, and new to the user: it arrived after the read marker.
    await expect
      .poll(
        async () => (await (await fetch(`http://127.0.0.1:${port}/api/unread`)).json()).timeline,
        WAIT,
      )
      .toBeGreaterThan(0)
    const errors: string[] = []
    let page = await open('/timeline', errors)
    const bar = page.locator('.unread-bar')
    await bar.waitFor(WAIT)
    expect(await bar.textContent()).toMatch(/\d+ new since you last read/)
    const news = page.locator('.item.unread', { hasText: 'Cat has news.' })
    expect(await news.locator('.new-badge').textContent()).toBe('new')

    await page.getByRole('button', { name: 'Mark all read' }).click()
    await bar.waitFor({ state: 'detached', ...WAIT })
    expect(await page.locator('.item.unread').count()).toBe(0)
    expect(await page.locator('.new-badge').count()).toBe(0)

    await page.reload()
    await page.locator('.item').first().waitFor(WAIT)
    expect(await page.locator('.unread-bar').count()).toBe(0)
    expect(await page.locator('.item.unread').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })

  it('does not move while its scripts add the compose box, menus and buttons', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
    // Scripts that come late, as on a slow machine: the page is painted before they run.
    let delayed = 0
    await page.route(/\/_\/(timeline|mute)\.js$/, async (route) => {
      delayed++
      await new Promise((resolve) => setTimeout(resolve, 700))
      await route.continue()
    })
    await page.goto(`http://localhost:${port}/timeline`)
    await page.waitForFunction(
      () => document.querySelector('.timeline')?.getAttribute('data-connected') === 'open',
      undefined,
      WAIT,
    )
    expect(delayed).toBe(2)
    const shifts = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) =>
            resolve(
              list
                .getEntries()
                .reduce((sum, e) => sum + (e as PerformanceEntry & { value: number }).value, 0),
            ),
          ).observe({ type: 'layout-shift', buffered: true })
          // No entry at all: nothing moved.
          setTimeout(() => resolve(0), 500)
        }),
    )
    expect(shifts).toBe(0)
    expect(await page.locator('#compose').isVisible()).toBe(true)
    expect(await page.locator('.item-menu').first().isVisible()).toBe(true)
    // Without JavaScript those controls, which post JSON, are left out.
    const plain = await browser.newPage({ javaScriptEnabled: false })
    await plain.goto(`http://localhost:${port}/timeline`)
    expect(await plain.locator('#compose').isVisible()).toBe(false)
    expect(await plain.locator('.item-menu').first().isVisible()).toBe(false)
    await plain.close()
    await page.close()
  })

  it('mutes a space from an item’s menu, and Unmute brings it back', async () => {
    const errors: string[] = []
    const page = await open('/timeline', errors)
    const cats = page.locator('.item[data-space="cat"]')
    expect(await cats.count()).toBeGreaterThan(0)
    const menu = cats.first().locator('.item-menu')
    await menu.locator('summary').click()
    await menu.getByRole('button', { name: 'Mute @cat' }).click()
    // The page reloads without cat, and says what is muted.
    await page.locator('.muted-list').waitFor(WAIT)
    expect(await cats.count()).toBe(0)
    expect(await page.locator('.muted-list summary').textContent()).toBe('Muted: @cat')
    expect(JSON.parse(await readFile(configFile, 'utf8')).mute.spaces).toEqual(['cat'])
    expect(await page.locator('.item[data-space="bob"]').count()).toBeGreaterThan(0)

    await page.locator('.muted-list summary').click()
    await page.screenshot({ path: join(SHOTS, 'muted.png') })
    await page.getByRole('button', { name: 'Unmute' }).click()
    await page.locator('.muted-list').waitFor({ state: 'detached', ...WAIT })
    await cats.first().waitFor(WAIT)
    expect(JSON.parse(await readFile(configFile, 'utf8')).mute.spaces).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('replies from the conversation’s reply box to the item whose Reply was clicked', async () => {
    const errors: string[] = []
    const page = await open('/timeline?thread=ada-root', errors)
    const parent = page.locator('.item[data-ref="bob-r1"]')
    await parent.locator('.replies').click()
    // The box moves under that item, and says whom it answers.
    const compose = page.locator('#compose')
    await expect
      .poll(() => compose.evaluate((el) => el.previousElementSibling?.getAttribute('data-ref')))
      .toBe('bob-r1')
    expect(await compose.locator('.reply-target').textContent()).toBe('Bob')
    const indent = (selector: string) =>
      page.locator(selector).evaluate((el) => el.getBoundingClientRect().left)
    expect(await indent('#compose')).toBeGreaterThan(await indent('.item[data-ref="bob-r1"]'))
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('compose-text')

    await page.keyboard.type('Thirteen is a fine number for a clock.')
    await compose.getByRole('button', { name: 'Reply', exact: true }).click()
    await compose.locator('.compose-status', { hasText: 'Posted' }).waitFor(WAIT)
    const written = (await statuses('ada')).find(
      (s) => s.text === 'Thirteen is a fine number for a clock.',
    )
    expect(written?.reply_to).toBe('bob-r1')
    expect(written?.id).toMatch(/^[0-9a-f]{32}$/)
    // It comes back through the folder, like any reply, under the one it answers.
    const mine = page.locator(`.item[data-ref="${written!.id}"]`)
    await mine.waitFor(WAIT)
    await expect.poll(() => mine.getAttribute('class'), WAIT).toContain('depth-2')
    await page.screenshot({ path: join(SHOTS, 'conversation-reply.png'), fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  })

  it('keeps one live stream on the home page, which also counts the bell', async () => {
    const streams: string[] = []
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
    page.on('request', (r) => new URL(r.url()).pathname === '/events' && streams.push(r.url()))
    await page.goto(`http://localhost:${port}/`)
    await page.waitForFunction(
      () => document.querySelector('.spaces')?.getAttribute('data-connected') === 'open',
      undefined,
      WAIT,
    )
    const before = await bellCount(page)
    await writeFile(
      join(root, 'cat/status/c2.json'),
      JSON.stringify({
        id: 'cat-2',
        text: 'Hello @ada, from the home page test.',
        date: new Date().toISOString(),
      }),
    )
    await expect.poll(() => bellCount(page), WAIT).toBe(before + 1)
    // A browser opens at most six connections to one host: two streams a tab made three tabs
    // of the home page hold them all.
    expect(streams).toHaveLength(1)
    await page.close()
  })
})

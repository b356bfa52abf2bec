// The gateway on a phone (issue 15): the demo spaces in headless Chromium at 390×844 with touch,
// as the user (`me` is alice) and as another device of the network, paired or not.
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SpaceSettings } from '../src/config/config.js'
import type { RunningServer } from '../src/http/server/server.js'
import { get, postJson, ROOT, startGateway, tempDir, writeFiles, writeLikeSync } from './helpers.js'
import { CHROMIUM, launchChromium } from './chromium.js'
import { deviceClient, lanAddress } from './lan.js'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const WAIT = { timeout: 20_000 }
const THREAD = '/timeline?thread=bob-clock-repair-2026-11-20'
const SHOTS = join(ROOT, 'test-results')
// `SYNCWEB_DOCS_SHOTS=1` also writes the README's phone screenshots into docs/.
const DOCS = process.env.SYNCWEB_DOCS_SHOTS ? join(ROOT, 'docs') : undefined
/** What a finger must be able to hit, on every page that has them (WCAG 2.5.5: 44×44 px). */
const TAP_TARGETS = [
  '.bar nav a',
  '.brand',
  '.bar-search input',
  '.chip',
  '.item-actions .replies',
  '.item-menu summary',
  '.item-menu[open] .menu button',
  '.compose button',
  '.compose textarea',
  '.mark-read',
  '.new-marker',
  '.pager a',
  '.back',
  '.unmute',
  '.pair-form input',
  '.pair-form button',
  '#pair-start',
  '.devices .revoke',
  '.search-form input',
  '.search-form button',
  '.spaces .title',
].join(', ')

const hasChromium = existsSync(CHROMIUM)
const lan = lanAddress(3)

let browser: Browser
let server: RunningServer
let port: number
let root: string

describe.skipIf(!hasChromium)('on a phone, 390×844', () => {
  beforeAll(async () => {
    root = await tempDir()
    // A copy of the demo: the compose box writes into alice's folder.
    await cp(join(ROOT, 'examples'), root, { recursive: true })
    const spaces = ['alice', 'bob', 'carol'].map((name) => ({ name, root: join(root, name) }))
    const configFile = join(root, 'config.json')
    await writeFile(configFile, JSON.stringify({ me: 'alice', spaces: {} }))
    server = await startGateway(
      spaces,
      {
        me: 'alice',
        file: configFile,
        ...(lan ? { host: '0.0.0.0', allowedHosts: [lan.address] } : {}),
      },
      { stateDir: await tempDir() },
    )
    port = server.port
    await server.state.index.ready()
    // One status that arrives after the gateway started: new since last read, so the timeline
    // shows "Mark all read".
    await writeLikeSync(
      join(root, 'bob', 'status', '2026', '11', 'phone.json'),
      JSON.stringify({
        id: 'bob-phone',
        text: 'Glued the last gear back in. @alice, the clock is yours on Sunday.',
        date: new Date(Date.now() - 10 * 60_000).toISOString(),
        tags: ['clocks'],
      }),
    )
    await vi.waitFor(async () => {
      if (!(await get(port, '/timeline.json')).text.includes('bob-phone'))
        throw new Error('not yet')
    }, WAIT)
    browser = await launchChromium()
    await mkdir(SHOTS, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    lan?.remove?.()
  })

  /** A phone page of the gateway that records its errors, once its scripts have run. */
  async function open(path: string, context?: BrowserContext, base = `http://localhost:${port}`) {
    const page = await (context ?? (await browser.newContext(PHONE))).newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(base + path)
    await page.waitForFunction(
      () => {
        const live = document.querySelector('[data-live="on"], .spaces')
        return !live || (live as HTMLElement).dataset.connected === 'open'
      },
      undefined,
      WAIT,
    )
    return { page, errors }
  }

  /** The visible tap targets smaller than 44×44 px, and the smallest side of any. */
  const measure = (page: Page) =>
    page.evaluate((selector) => {
      let smallest = Infinity
      const small: string[] = []
      for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
        const box = el.getBoundingClientRect()
        if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue
        const side = Math.min(box.width, box.height)
        smallest = Math.min(smallest, side)
        if (side < 44)
          small.push(
            `${el.className || el.tagName} "${el.textContent?.trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
          )
      }
      return { smallest, small }
    }, TAP_TARGETS)

  const scrollWidth = (page: Page) =>
    page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth))

  it('fits every page in 390 px, with tap targets of at least 44×44 px', async () => {
    const context = await browser.newContext(PHONE)
    for (const path of ['/timeline', THREAD, '/notifications', '/', '/pair', '/search?q=clock']) {
      const { page, errors } = await open(path, context)
      if (path === '/timeline') expect(await page.locator('.mark-read').isVisible()).toBe(true)
      // The README's pictures; in the conversation, with the reply box under the post.
      if (path === THREAD) await page.locator('.item-actions .replies').first().tap()
      if (path === '/timeline' || path === THREAD) {
        const name = path === THREAD ? 'phone-conversation.png' : 'phone-timeline.png'
        await page.screenshot({ path: join(SHOTS, name) })
        if (DOCS) await page.screenshot({ path: join(DOCS, name) })
      }
      const slug = path.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'home'
      await page.screenshot({ path: join(SHOTS, `phone-page-${slug}.png`), fullPage: true })
      // One item's ⋯ menu open: its buttons are targets too.
      const menu = page.locator('.item-menu:not([hidden]) summary').first()
      if (await menu.count()) await menu.tap()
      expect(await scrollWidth(page), path).toBeLessThanOrEqual(390)
      const { smallest, small } = await measure(page)
      expect(small, path).toEqual([])
      console.log(`${path}: smallest tap target ${smallest.toFixed(1)} px`)
      expect(errors, path).toEqual([])
      await page.close()
    }
    await context.close()
  }, 120_000)

  it('serves a manifest Chromium parses, with icons that load at their stated sizes', async () => {
    const res = await get(port, '/_/manifest.webmanifest')
    expect(res.headers['content-type']).toMatch(/^application\/manifest\+json/)
    const manifest = JSON.parse(res.text)
    expect(manifest).toMatchObject({
      name: 'syncweb',
      start_url: '/timeline',
      display: 'standalone',
      background_color: '#fbfaf7',
    })
    for (const icon of manifest.icons) {
      const png = await get(port, icon.src)
      expect(png.status, icon.src).toBe(200)
      expect(png.headers['content-type'], icon.src).toBe(icon.type)
      if (icon.type !== 'image/png') continue
      // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
      const size = `${png.body.readUInt32BE(16)}x${png.body.readUInt32BE(20)}`
      expect(size, icon.src).toBe(icon.sizes)
    }
    expect(manifest.icons.some((i: { purpose: string }) => i.purpose === 'maskable')).toBe(true)

    const { page } = await open('/timeline')
    const cdp = await page.context().newCDPSession(page)
    const parsed = await cdp.send('Page.getAppManifest')
    expect(parsed.url).toBe(`http://localhost:${port}/_/manifest.webmanifest`)
    expect(parsed.errors).toEqual([])
    const apple = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href')
    expect((await get(port, apple!)).body.readUInt32BE(16)).toBe(180)
    const colors = await page
      .locator('meta[name="theme-color"]')
      .evaluateAll((metas) => metas.map((m) => m.getAttribute('content')))
    expect(colors).toEqual(['#fbfaf7', '#15171a'])
    await page.context().close()
  })

  it('posts from the compose box by touch, and the post appears', async () => {
    const { page } = await open('/timeline')
    await page.locator('#compose-text').tap()
    await page.fill('#compose-text', 'Typed on a phone.')
    await page.locator('#compose button[type="submit"]').tap()
    await page.locator('.compose-status', { hasText: 'Posted' }).waitFor(WAIT)
    await page.locator('.item', { hasText: 'Typed on a phone.' }).waitFor(WAIT)
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390)
    await page.context().close()
  })

  it('keeps the chips current as spaces are followed, go offline and are unfollowed', async () => {
    const { page, errors } = await open('/timeline')
    const chips = () => page.locator('.filters .chip').allTextContents()
    expect(await chips()).toEqual(['All', '@alice', '@bob', '@carol'])
    const dave = join(root, 'dave')
    await writeFiles(dave, {
      'status/1.json': JSON.stringify({
        text: 'Dave joins',
        tags: ['hello'],
        date: new Date().toISOString(),
      }),
    })
    const spaces = server.state.config.spaces as SpaceSettings[]
    server.state.apply({
      ...server.state.config,
      spaces: [...spaces, { name: 'dave', root: dave }],
    })
    await expect.poll(chips, WAIT).toEqual(['All', '@alice', '@bob', '@carol', '@dave'])
    await page.locator('.item', { hasText: 'Dave joins' }).waitFor(WAIT)

    // A status that arrives live keeps its tags (as a chip and for the ⋯ menu).
    await writeLikeSync(
      join(dave, 'status', '2.json'),
      JSON.stringify({
        text: 'Tagged live',
        tags: ['garden', 'Rain'],
        date: new Date().toISOString(),
      }),
    )
    const live = page.locator('.item', { hasText: 'Tagged live' })
    await live.waitFor(WAIT)
    expect(await live.locator('.item-tags .tag').allTextContents()).toEqual(['#garden', '#Rain'])
    expect(await live.getAttribute('data-tags')).toBe('garden Rain')

    await cp(dave, `${dave}-kept`, { recursive: true })
    const { rm, rename } = await import('node:fs/promises')
    await rm(dave, { recursive: true })
    await page.locator('.chip.offline', { hasText: '@dave' }).waitFor(WAIT)
    await rename(`${dave}-kept`, dave)
    await page.locator('.chip:not(.offline)', { hasText: '@dave' }).waitFor(WAIT)

    server.state.apply({ ...server.state.config, spaces })
    await expect.poll(chips, WAIT).toEqual(['All', '@alice', '@bob', '@carol'])
    expect(await page.locator('.item', { hasText: 'Dave joins' }).count()).toBe(0)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('updates a space’s item count on the home page when a file lands', async () => {
    const { page, errors } = await open('/')
    const stats = page.locator('.space[data-space="carol"] .stats')
    const count = async () => Number(/^(\d+) items?/.exec((await stats.textContent()) ?? '')?.[1])
    const before = await count()
    await writeLikeSync(
      join(root, 'carol', 'status', 'phone.json'),
      JSON.stringify({ text: 'Carol, live on the home page', date: new Date().toISOString() }),
    )
    await expect.poll(count, WAIT).toBe(before + 1)
    expect(await stats.textContent()).toContain('updated just now')
    expect(errors).toEqual([])
    await page.context().close()
  })

  describe.skipIf(!lan)('as another device of the network', () => {
    const base = () => `http://${lan!.address}:${port}`

    it('is no user for saying it is one: X-Forwarded-For and Forwarded are never read', async () => {
      const { fromDevice } = deviceClient(lan!.address, () => port)
      const res = await fromDevice('/timeline', {
        headers: {
          Host: `localhost:${port}`,
          'X-Forwarded-For': '127.0.0.1',
          'X-Real-IP': '127.0.0.1',
          Forwarded: 'for=127.0.0.1;host=localhost',
        },
      })
      expect(res.status).toBe(200)
      expect(res.text).not.toContain(server.state.token)
      expect(res.text).not.toContain('id="compose"')
    })

    it('reads without a compose box or token until paired, then posts with its cookie only', async () => {
      const context = await browser.newContext(PHONE)
      const { page } = await open('/timeline', context, base())
      expect(await page.locator('#compose').count()).toBe(0)
      expect(await page.locator('meta[name="syncweb-token"]').count()).toBe(0)
      expect(await page.locator('.mark-read:visible').count()).toBe(0)
      await page.close()

      const { code } = (await postJson(port, '/api/pair', {}, server.state.token)).body
      const { page: pair } = await open('/pair', context, base())
      await pair.fill('input[name="code"]', code)
      await pair.fill('input[name="name"]', 'Test phone')
      await pair.locator('.pair-form button').tap()
      await pair.locator('text=This device is paired as').waitFor(WAIT)
      expect(await scrollWidth(pair)).toBeLessThanOrEqual(390)
      await pair.close()

      const { page: paired, errors } = await open('/timeline', context, base())
      expect(await paired.content()).not.toContain(server.state.token)
      expect(await paired.locator('meta[name="syncweb-token"]').count()).toBe(0)
      const posts: Array<Record<string, string>> = []
      paired.on('request', (r) => r.url().endsWith('/api/posts') && posts.push(r.headers()))
      await paired.fill('#compose-text', 'Posted from a paired phone.')
      await paired.locator('#compose button[type="submit"]').tap()
      await paired.locator('.compose-status', { hasText: 'Posted' }).waitFor(WAIT)
      await paired.locator('.item', { hasText: 'Posted from a paired phone.' }).waitFor(WAIT)
      expect(posts).toHaveLength(1)
      expect(posts[0]).not.toHaveProperty('x-syncweb-token')
      const files = (await readdir(join(root, 'alice', 'status'), { recursive: true })).map(String)
      expect(files.filter((f) => f.endsWith('.json')).length).toBeGreaterThan(3)
      // The reply box of a conversation too.
      const { page: thread } = await open(THREAD, context, base())
      expect(await thread.locator('#compose.reply').isVisible()).toBe(true)
      expect(errors).toEqual([])
      await context.close()
    })
  })
})

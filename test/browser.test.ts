import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, serveCli, tempDir } from './helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const SHOTS = join(ROOT, 'test-results')
// Without the background-networking flags Chromium's own connections are refused on a closed
// network, many at a time; none of them is needed to render localhost pages.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const hasChromium = existsSync(CHROMIUM)
if (!hasChromium)
  console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`)

describe.skipIf(!hasChromium)('the demo in a real browser', () => {
  let browser: Browser
  let port: number

  beforeAll(async () => {
    const home = await tempDir()
    port = (await serveCli([], { HOME: home, XDG_CONFIG_HOME: home })).port
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
    await mkdir(SHOTS, { recursive: true })
  })
  afterAll(() => browser?.close())

  it('goes home → a space on its own origin → a rendered Markdown post', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } })
    await page.goto(`http://localhost:${port}/`)
    await expect.poll(() => page.locator('.space').count()).toBe(3)
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

  it('runs a page fetched under /@NAME/ in an opaque origin (sandbox CSP)', async () => {
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

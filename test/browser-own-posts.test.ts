import { existsSync, readFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../src/http/server/server.js'
import { ROOT, startGateway, tempDir, writeFiles } from './helpers.js'
import { CHROMIUM, launchChromium } from './chromium.js'

// The README's screenshots are made again with SYNCWEB_DOCS_SHOTS=1; a plain run leaves docs/ be.
const shot = (name: string) =>
  join(ROOT, process.env.SYNCWEB_DOCS_SHOTS ? 'docs' : 'test-results', name)

const SUNSET = readFileSync(join(ROOT, 'examples', 'alice', 'images', 'sunset.png'))
const LONG = Array.from(
  { length: 40 },
  (_, i) =>
    `Line ${i + 1} of a long walk through the allotments, past the compost bins and the shed.`,
).join('\n')

const hasChromium = existsSync(CHROMIUM)
if (!hasChromium)
  console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium)`)

describe.skipIf(!hasChromium)('your own posts in a real browser', () => {
  let browser: Browser
  let server: RunningServer
  let root: string
  const now = Date.now()
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString()

  beforeAll(async () => {
    root = await tempDir()
    await writeFiles(join(root, 'ada'), {
      'profile.json': JSON.stringify({ name: 'Ada' }),
      'status/one.json': JSON.stringify({ id: 'ada-1', text: 'First draft', date: at(30) }),
      'status/two.json': JSON.stringify({ id: 'ada-2', text: 'Delete me', date: at(20) }),
      'status/long.json': JSON.stringify({ id: 'ada-long', text: LONG, date: at(10) }),
    })
    await writeFiles(join(root, 'bob'), {
      'profile.json': JSON.stringify({ name: 'Bob' }),
      'status/b.json': JSON.stringify({ id: 'bob-1', text: 'Not yours', date: at(25) }),
    })
    server = await startGateway(
      [
        { name: 'ada', root: join(root, 'ada') },
        { name: 'bob', root: join(root, 'bob') },
      ],
      { me: 'ada' },
    )
    await server.state.index.ready()
    browser = await launchChromium()
  })
  afterAll(() => browser?.close())

  const open = async (path = '/timeline'): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`http://localhost:${server.port}${path}`)
    await page.waitForSelector('.timeline[data-connected="open"]')
    return page
  }
  const card = (page: Page, ref: string) => page.locator(`.item[data-ref="${ref}"]`)
  const attachSunset = (page: Page) =>
    page.setInputFiles('#compose input[type="file"]', {
      name: 'sunset.png',
      mimeType: 'image/png',
      buffer: SUNSET,
    })
  /** Sends `text` with the sunset by `button`; resolves with its card once its image loaded. */
  const sendWithSunset = async (page: Page, text: string, button: string) => {
    await attachSunset(page)
    await page.fill('#compose textarea', text)
    await page.getByRole('button', { name: button, exact: true }).click()
    await expect.poll(() => page.locator('.compose-status').textContent()).toContain('Posted')
    const sent = page.locator('.item', { hasText: text })
    await expect.poll(() => sent.count(), { timeout: 10_000 }).toBe(1)
    await expect
      .poll(() =>
        sent.locator('img.item-image').evaluate((img) => (img as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(1)
    return sent
  }

  it('offers Edit and Delete on the user’s own status updates only', async () => {
    const page = await open()
    await expect.poll(() => card(page, 'ada-1').locator('.own-edit').count()).toBe(1)
    expect(await card(page, 'ada-2').locator('.own-delete').count()).toBe(1)
    expect(await card(page, 'bob-1').locator('.own-actions').count()).toBe(0)
    // With "me" set the page may write: Reply shows even where nobody has replied yet.
    expect(await card(page, 'bob-1').locator('.replies.none').isVisible()).toBe(true)
    await page.close()
  })

  it('edits a post in place: one card, in its place, with the new text', async () => {
    const page = await open()
    const order = () =>
      page
        .locator('#items > .item')
        .evaluateAll((l) => l.map((e) => (e as HTMLElement).dataset.ref))
    const before = await order()
    await card(page, 'ada-1').getByRole('button', { name: 'Edit' }).click()
    const box = card(page, 'ada-1').getByRole('textbox', { name: 'Edit your status update' })
    expect(await box.inputValue()).toBe('First draft')
    await box.fill('Second thoughts')
    await card(page, 'ada-1').getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(() => card(page, 'ada-1').locator('.content').textContent())
      .toBe('Second thoughts')
    // The live card from the watcher replaces it: still one, still where it was.
    await expect
      .poll(() => card(page, 'ada-1').evaluate((el) => el.classList.contains('fresh')), {
        timeout: 10_000,
      })
      .toBe(true)
    expect(await card(page, 'ada-1').count()).toBe(1)
    expect(await order()).toEqual(before)
    expect(await card(page, 'ada-1').locator('.own-edit').count()).toBe(1)
    await page.close()
  })

  it('deletes a post after asking, and Keep keeps it', async () => {
    const page = await open()
    const two = card(page, 'ada-2')
    await two.getByRole('button', { name: 'Delete' }).click()
    await expect
      .poll(() => two.locator('.own-confirm').textContent())
      .toContain('Delete this post?')
    await two.getByRole('button', { name: 'Keep' }).click()
    expect(await two.count()).toBe(1)
    await two.getByRole('button', { name: 'Delete' }).click()
    await two.locator('.own-confirm').getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => card(page, 'ada-2').count()).toBe(0)
    const left = (await readdir(join(root, 'ada', 'status'))).sort()
    expect(left).toEqual(['long.json', 'one.json'])
    await page.close()
  })

  it('folds a long post with Show more and Show less', async () => {
    const page = await open()
    const long = card(page, 'ada-long')
    const content = long.locator('.content')
    const height = () => content.evaluate((el) => el.getBoundingClientRect().height)
    await expect.poll(() => long.getByRole('button', { name: 'Show more' }).count()).toBe(1)
    const folded = await height()
    expect(folded).toBeLessThan(300)
    await page.screenshot({ path: shot('long-post-collapsed.png') })
    await long.getByRole('button', { name: 'Show more' }).click()
    expect(await height()).toBeGreaterThan(folded * 2)
    expect(await long.locator('.show-more').getAttribute('aria-expanded')).toBe('true')
    await long.getByRole('button', { name: 'Show less' }).click()
    expect(await height()).toBe(folded)
    // Short ones are not folded.
    expect(await card(page, 'ada-1').locator('.show-more').count()).toBe(0)
    await page.close()
  })

  it('attaches an image in the compose box and shows it in the timeline', async () => {
    const page = await open()
    await attachSunset(page)
    await expect
      .poll(() => page.locator('#compose .attached-name').textContent())
      .toBe('sunset.png')
    // The preview loads: the page's CSP lets images come from 'self' and data: only.
    await expect
      .poll(() =>
        page
          .locator('#compose .attached img')
          .evaluate((img) => (img as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(0)
    // Remove, then choose again.
    await page.getByRole('button', { name: 'Remove the image' }).click()
    expect(await page.locator('#compose .attached').isHidden()).toBe(true)
    const posted = await sendWithSunset(page, 'A sprout', 'Post')
    expect(await page.locator('#compose .attached').isHidden()).toBe(true)
    expect(await posted.locator('.own-edit').count()).toBe(1)
    await page.close()
  })

  it('attaches an image to a reply in a conversation', async () => {
    const page = await open('/timeline?thread=bob-1')
    const reply = await sendWithSunset(page, 'A sunset for you', 'Reply')
    expect(await reply.getAttribute('class')).toContain('depth-1')
    await page.close()
  })

  it('shows every line of a long post without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`http://localhost:${server.port}/timeline`)
    const content = card(page, 'ada-long').locator('.content')
    expect(await content.textContent()).toContain('Line 40 of')
    expect(await content.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true)
    await context.close()
  })
})

describe.skipIf(!hasChromium)('alice’s h-entry blog in a real browser', () => {
  it('shows her blog posts, marked up with microformats, in the timeline', async () => {
    const spaces = ['alice', 'bob', 'carol'].map((name) => ({
      name,
      root: join(ROOT, 'examples', name),
    }))
    const server = await startGateway(spaces)
    await server.state.index.ready()
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      await page.setViewportSize({ width: 1280, height: 1180 })
      await page.goto(`http://localhost:${server.port}/timeline?space=alice&kind=post`)
      const titles = page.locator('.item.kind-post .item-title')
      await expect
        .poll(() => titles.allTextContents())
        .toEqual(['The tomatoes made it', 'Evening light'])
      await expect
        .poll(() =>
          page
            .locator('.item-image')
            .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)),
        )
        .toEqual([true, true])
      // No "me" here: "Reply" on a post without replies would open a conversation with no box.
      await expect.poll(() => page.locator('.item .replies.none').count()).toBeGreaterThan(0)
      expect(await page.locator('.item .replies.none').first().isVisible()).toBe(false)
      await page.goto(`http://localhost:${server.port}/timeline?space=bob`)
      expect(await page.locator('.item .replies:not(.none)').first().isVisible()).toBe(true)
      await page.goto(`http://localhost:${server.port}/timeline?space=alice&kind=post`)
      await page.screenshot({ path: shot('h-entry-blog.png') })
    } finally {
      await browser.close()
    }
  })
})

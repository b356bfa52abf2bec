// /settings in Chromium: the page as people see it (light and dark, screenshots in
// test-results/), and its controls working through the token-guarded API.
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/config.js'
import type { RunningServer } from '../src/http/server/server.js'
import { ROOT, startGateway, tempDir, writeFiles } from './helpers.js'
import { CHROMIUM, launchChromium } from './chromium.js'

const SHOTS = join(ROOT, 'test-results')

describe.skipIf(!existsSync(CHROMIUM))('/settings in a real browser', () => {
  let browser: Browser
  let server: RunningServer
  let root: string
  let file: string

  beforeAll(async () => {
    root = await tempDir('syncweb-settings-ui-')
    const status = (id: string, text: string, date: string) => JSON.stringify({ id, text, date })
    await writeFiles(root, {
      'ada/status/1.json': status('a1', 'Hello', '2026-01-02T10:00:00Z'),
      'ada/status/2.json': status('a2', 'Again', '2026-01-03T10:00:00Z'),
      'bob/2026-01-01-workshop.md': '---\ntitle: Workshop\n---\nBuilding a shelf.',
      'bob/status/broken.json': '{ "text": "half a file',
      'bob/status/empty.json': '{}',
      'carol/twtxt.txt': '2026-01-02T10:00:00Z\tMorning!\n',
      'dave/hello.txt': 'hi',
    })
    file = join(root, 'config.json')
    await writeFile(
      file,
      JSON.stringify({
        me: 'ada',
        mute: { spaces: ['eve'], words: ['spoiler'], tags: ['politics'] },
        spaces: {
          ada: { path: join(root, 'ada'), title: 'My notes' },
          bob: { path: join(root, 'bob'), title: 'Bob’s workshop' },
          carol: { path: join(root, 'carol') },
          eve: { path: join(root, 'eve-laptop/Sync/eve') },
        },
      }),
    )
    const config = (await loadConfig(file))!
    server = await startGateway([...config.spaces], config, { stateDir: await tempDir() })
    await server.state.index.ready()
    await server.state.devices.add('Ada’s phone')
    await mkdir(SHOTS, { recursive: true })
    browser = await launchChromium()
  })
  afterAll(() => browser?.close())

  it('shows the spaces, problems, mutes, config and devices (light and dark)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({
        viewport: { width: 1280, height: 900 },
        colorScheme: scheme,
      })
      await page.goto(`http://localhost:${server.port}/settings`)
      // Its script ran: the controls are usable.
      await expect.poll(() => page.locator('.follow-form fieldset').isDisabled()).toBe(false)
      expect(await page.locator('#space-bob .settings-problems li').count()).toBe(2)
      expect(await page.locator('#space-eve .settings-status').textContent()).toContain(
        'folder missing',
      )
      await page.screenshot({ path: join(SHOTS, `settings-${scheme}.png`), fullPage: true })
      await page.close()
    }
  })

  it('wraps paths and code on a phone instead of widening the page', async () => {
    const page = await browser.newPage({ viewport: { width: 320, height: 640 } })
    await page.goto(`http://localhost:${server.port}/settings`)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
    // A home folder's config path has no hyphen to break at: each code element must wrap anywhere.
    const wraps = await page
      .locator('.settings code')
      .evaluateAll((codes) => codes.map((c) => getComputedStyle(c).overflowWrap))
    expect(wraps.length).toBeGreaterThan(0)
    expect(new Set(wraps)).toEqual(new Set(['anywhere']))
    await page.close()
  })

  it('follows a folder from the form, and says why not for a folder that does not exist', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`http://localhost:${server.port}/settings#follow`)
    const form = page.locator('.follow-form')
    await expect.poll(() => form.locator('fieldset').isDisabled()).toBe(false)
    await form.locator('input[name=name]').fill('dave')
    await form.locator('input[name=path]').fill(join(root, 'nope'))
    await form.locator('button').click()
    await expect
      .poll(() => form.locator('.settings-error').textContent())
      .toContain('does not exist')
    await form.locator('input[name=path]').fill(join(root, 'dave'))
    await form.locator('button').click()
    await page.waitForSelector('#space-dave')
    expect(JSON.parse(await readFile(file, 'utf8')).spaces.dave.path).toBe(join(root, 'dave'))
    page.on('dialog', (dialog) => void dialog.accept())
    await page.locator('#space-dave .unfollow').click()
    await page.waitForSelector('#space-dave', { state: 'detached' })
    expect(JSON.parse(await readFile(file, 'utf8')).spaces.dave).toBeUndefined()
    await page.close()
  })
})

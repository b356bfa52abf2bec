// Renders the PNG icons of the web app manifest from assets/icon.svg with headless Chromium
// (Debian's /usr/bin/chromium), so that a phone's home screen gets the same mark as the tab.
// Run it again after changing icon.svg: `node scripts/render-icons.js`; the PNGs are committed.
import { readFile, writeFile } from 'node:fs/promises'
import { chromium } from 'playwright-core'

const ASSETS = new URL('../assets/', import.meta.url)
const svg = await readFile(new URL('icon.svg', ASSETS), 'utf8')
// The arrows alone, for icons whose background the platform shapes (maskable, Apple).
const arrows = svg.replace(/<rect[^>]*\/>/, '')
const GREEN = '#2f6f4f'

// `any`: the rounded square as in the tab. `maskable`: full bleed, the mark inside the central
// 80% circle that every mask keeps (W3C Manifest "icon masks"). Apple rounds its own corners
// and shows transparent ones black, so its icon is full bleed too.
const ICONS = [
  { file: 'icon-192.png', size: 192, html: svg },
  { file: 'icon-512.png', size: 512, html: svg },
  { file: 'icon-maskable-512.png', size: 512, html: onGreen(0.85) },
  { file: 'apple-touch-icon.png', size: 180, html: onGreen(0.95) },
]

function onGreen(scale) {
  const inset = ((1 - scale) / 2) * 100
  return `<div style="width:100vw;height:100vh;background:${GREEN};position:relative">
    <div style="position:absolute;inset:${inset}%">${arrows.replace('<svg ', '<svg width="100%" height="100%" ')}</div></div>`
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
try {
  for (const { file, size, html } of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size } })
    const body = html.startsWith('<svg')
      ? html.replace('<svg ', '<svg width="100%" height="100%" ')
      : html
    await page.setContent(
      `<style>html,body{margin:0;height:100%;overflow:hidden;background:transparent}svg{display:block}</style>${body}`,
    )
    await writeFile(new URL(file, ASSETS), await page.screenshot({ omitBackground: true }))
    await page.close()
    console.log(`assets/${file} (${size}×${size})`)
  }
} finally {
  await browser.close()
}

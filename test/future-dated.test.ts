// An item dated ahead (a friend's clock or time zone slipped) stands where it arrived, not on
// top of the timeline for hours; it keeps its stated date in the feed.
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../src/http/server/server.js'
import { getJson, startGateway, tempDir, writeFiles } from './helpers.js'

const HOUR = 3600_000
let server: RunningServer
let root: string
const status = (id: string, date: number) =>
  JSON.stringify({ id, text: `item ${id}`, date: new Date(date).toISOString() })
const order = async (query = '') =>
  ((await getJson(server.port, `/timeline.json${query}`)).body.items as any[]).map(
    (i) => i._syncweb.ref,
  )

beforeAll(async () => {
  root = await tempDir()
  const now = Date.now()
  await writeFiles(join(root, 'ann'), {
    'status/past.json': status('past', now - HOUR),
    'status/ahead.json': status('ahead', now + 3 * HOUR),
    'status/far.json': status('far', now + 3 * 24 * HOUR),
  })
  server = await startGateway([{ name: 'ann', root: join(root, 'ann') }])
  await server.state.index.ready()
})

describe('an item dated ahead', () => {
  it('stands where it arrived: what comes after it is above it, and paging holds', async () => {
    expect(await order()).toEqual(['ahead', 'past'])
    // Dated now, so after "ahead" arrived, but hours before its stated date.
    await writeFiles(join(root, 'ann'), { 'status/later.json': status('later', Date.now() + 1000) })
    await vi.waitFor(async () => expect(await order()).toEqual(['later', 'ahead', 'past']), {
      timeout: 10_000,
    })
    // Page by page, through next_url, the same order and nothing twice.
    const seen: string[] = []
    let url: string | undefined = '/timeline.json?limit=1'
    while (url) {
      const { body }: { body: any } = await getJson(
        server.port,
        url.replace(/^https?:\/\/[^/]+/, ''),
      )
      seen.push(...body.items.map((i: any) => i._syncweb.ref))
      url = body.next_url
    }
    expect(seen).toEqual(['later', 'ahead', 'past'])
  })

  it('keeps its stated date in the feed; one more than a day ahead waits', async () => {
    const items = (await getJson(server.port, '/timeline.json')).body.items as any[]
    const ahead = items.find((i) => i._syncweb.ref === 'ahead')
    expect(Date.parse(ahead.date_published)).toBeGreaterThan(Date.now() + 2 * HOUR)
    expect(items.map((i) => i._syncweb.ref)).not.toContain('far')
  })
})

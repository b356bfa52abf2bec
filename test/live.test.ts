import { appendFile, mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  get,
  getJson,
  openEvents,
  startGateway,
  tempDir,
  writeFiles,
  writeLikeSync,
} from './helpers.js'

let port: number
let root: string
let burstRoot: string
let parent: string

beforeAll(async () => {
  parent = await tempDir()
  root = join(parent, 'live')
  burstRoot = join(parent, 'burst')
  await writeFiles(root, {
    'status/old.json': JSON.stringify({ text: 'old', date: '2026-01-01T00:00:00Z' }),
  })
  await mkdir(burstRoot)
  const server = await startGateway([
    { name: 'live', root },
    { name: 'burst', root: burstRoot },
  ])
  port = server.port
  await server.state.index.ready()
})

const waitOpts = { timeout: 10_000, interval: 50 }

describe('live updates', () => {
  it('sends a status file written into a space on /events and shows it in /timeline.json', async () => {
    const events = openEvents(port)
    const headers = await events.connected
    expect(headers['content-type']).toMatch(/^text\/event-stream/)
    const written = Date.now()
    await writeLikeSync(
      join(root, 'status/2026/11/new.json'),
      JSON.stringify({ text: 'fresh from sync', date: new Date().toISOString() }),
    )
    await vi.waitFor(
      () => expect(events.messages.some((m) => m.event === 'item')).toBe(true),
      waitOpts,
    )
    const message = events.messages.find((m) => m.event === 'item')!
    const item = JSON.parse(message.data)
    expect(item).toMatchObject({
      id: 'live:status/2026/11/new.json',
      content_text: 'fresh from sync',
      _syncweb: { space: 'live', kind: 'status' },
    })
    console.log(`write → /events: ${Date.now() - written} ms`)
    const { body } = await getJson(port, '/timeline.json?space=live')
    expect(body.items[0].id).toBe('live:status/2026/11/new.json')
    events.close()
  })

  it('sends remove when the file is deleted, and an item again when it changes', async () => {
    const path = join(root, 'status/gone.json')
    await writeLikeSync(
      path,
      JSON.stringify({ text: 'short-lived', date: new Date().toISOString() }),
    )
    await vi.waitFor(
      async () =>
        expect(
          (await getJson(port, '/timeline.json?space=live')).body.items.map((i: any) => i.id),
        ).toContain('live:status/gone.json'),
      waitOpts,
    )
    const events = openEvents(port)
    await events.connected
    await writeLikeSync(path, JSON.stringify({ text: 'edited', date: new Date().toISOString() }))
    await vi.waitFor(
      () =>
        expect(
          events.messages.some(
            (m) => m.event === 'item' && JSON.parse(m.data).content_text === 'edited',
          ),
        ).toBe(true),
      waitOpts,
    )
    await unlink(path)
    await vi.waitFor(
      () =>
        expect(events.messages).toContainEqual(
          expect.objectContaining({ event: 'remove', data: 'live:status/gone.json' }),
        ),
      waitOpts,
    )
    events.close()
  })

  it('filters /events by space', async () => {
    const events = openEvents(port, '/events?space=burst')
    await events.connected
    await writeLikeSync(join(root, 'status/other.json'), JSON.stringify({ text: 'not for burst' }))
    await writeLikeSync(join(burstRoot, 'status/one.json'), JSON.stringify({ text: 'for burst' }))
    await vi.waitFor(
      () => expect(events.messages.filter((m) => m.event === 'item')).toHaveLength(1),
      waitOpts,
    )
    expect(JSON.parse(events.messages.find((m) => m.event === 'item')!.data)._syncweb.space).toBe(
      'burst',
    )
    await rm(join(burstRoot, 'status'), { recursive: true })
    events.close()
  })

  it('takes a folder that arrives whole (moved in), and forgets one that is deleted', async () => {
    const staging = join(parent, 'staging')
    await writeFiles(staging, {
      'a.json': JSON.stringify({ text: 'moved a' }),
      'deep/b.json': JSON.stringify({ text: 'moved b' }),
    })
    await rename(staging, join(root, 'status/moved'))
    await vi.waitFor(async () => {
      const ids = (await getJson(port, '/timeline.json?space=live&limit=200')).body.items.map(
        (i: any) => i.id,
      )
      expect(ids).toEqual(
        expect.arrayContaining(['live:status/moved/a.json', 'live:status/moved/deep/b.json']),
      )
    }, waitOpts)
    await rm(join(root, 'status/moved'), { recursive: true })
    await vi.waitFor(async () => {
      const ids = (await getJson(port, '/timeline.json?space=live&limit=200')).body.items.map(
        (i: any) => i.id,
      )
      expect(ids.filter((id: string) => id.includes('moved'))).toEqual([])
    }, waitOpts)
  })

  it('ignores sync partial files until they are renamed into place', async () => {
    const status = join(root, 'status')
    // How Syncthing (both spellings) and Resilio Sync name a file while it arrives.
    const partials = {
      '.syncthing.arriving-a.json.tmp': 'arriving-a.json',
      '~syncthing~arriving-b.json.tmp': 'arriving-b.json',
      'arriving-c.json.!sync': 'arriving-c.json',
    }
    const events = openEvents(port, '/events?space=live')
    await events.connected
    const timeline = async () =>
      (await getJson(port, '/timeline.json?space=live&limit=200')).body.items as Array<{
        id: string
        content_text?: string
      }>
    // Batches of changes are handled in order: once a file written after the partials is in the
    // timeline and on /events, anything the partials would have caused has happened too.
    const control = async (name: string) => {
      await writeLikeSync(join(status, name), JSON.stringify({ text: `control ${name}` }))
      await vi.waitFor(async () => {
        expect((await timeline()).map((i) => i.id)).toContain(`live:status/${name}`)
        expect(events.messages.map((m) => m.data).join('\n')).toContain(`control ${name}`)
      }, waitOpts)
      expect(JSON.stringify(await timeline())).not.toContain('partial')
      expect(events.messages.map((m) => m.data).join('\n')).not.toContain('partial')
      expect((await getJson(port, '/api/spaces/live')).body.problems).toEqual([])
    }

    // Half written: not valid JSON yet, so reading it would be a problem.
    for (const partial of Object.keys(partials))
      await writeFile(join(status, partial), '{"text": "partial ')
    await control('control-1.json')

    // Whole, but still under the partial name: reading it would be an item.
    for (const [partial, final] of Object.entries(partials))
      await appendFile(join(status, partial), `${final}"}`)
    await control('control-2.json')

    for (const [partial, final] of Object.entries(partials))
      await rename(join(status, partial), join(status, final))
    const arrived = Object.values(partials).map((final) => [
      `live:status/${final}`,
      `partial ${final}`,
    ])
    await vi.waitFor(async () => {
      const items = (await timeline()).filter((i) => i.content_text?.startsWith('partial '))
      expect(items.map((i) => [i.id, i.content_text]).sort()).toEqual(arrived)
    }, waitOpts)
    await vi.waitFor(
      () =>
        expect(
          events.messages.filter((m) => m.event === 'item' && m.data.includes('"partial ')),
        ).toHaveLength(arrived.length),
      waitOpts,
    )
    expect((await getJson(port, '/api/spaces/live')).body.problems).toEqual([])
    events.close()
  })
})

describe('a burst of 5,000 files', () => {
  it('is indexed without blocking requests', async () => {
    const count = 5000
    const dir = join(burstRoot, 'status/burst')
    await mkdir(dir, { recursive: true })
    const start = Date.now()
    const writes = (async () => {
      for (let i = 0; i < count; i += 250) {
        await Promise.all(
          Array.from({ length: 250 }, (_, j) =>
            writeFile(
              join(dir, `${i + j}.json`),
              JSON.stringify({
                text: `burst ${i + j}`,
                date: new Date(start - (i + j) * 1000).toISOString(),
              }),
            ),
          ),
        )
      }
    })()
    // While the files arrive and are parsed, the gateway keeps answering quickly.
    const latencies: number[] = []
    let indexed = 0
    while (indexed < count) {
      const t = performance.now()
      const res = await getJson(port, '/api/spaces/burst')
      latencies.push(performance.now() - t)
      expect(res.status).toBe(200)
      indexed = res.body.items
      if (Date.now() - start > 60_000)
        throw new Error(`only ${indexed} of ${count} indexed after 60 s`)
      await new Promise((r) => setTimeout(r, 20))
    }
    await writes
    latencies.sort((a, b) => a - b)
    const worst = latencies.at(-1)!
    console.log(
      `5,000 files indexed in ${Date.now() - start} ms; ${latencies.length} requests meanwhile, slowest ${worst.toFixed(1)} ms`,
    )
    expect(worst).toBeLessThan(500)
    const { body } = await getJson(port, '/timeline.json?space=burst&limit=1')
    expect(body.items[0].content_text).toBe('burst 0')
  })
})

describe('a space folder that goes away', () => {
  it('goes offline when deleted, and comes back with its items when it reappears', async () => {
    const away = join(parent, 'away')
    const before = (await getJson(port, '/api/spaces/live')).body.items
    expect(before).toBeGreaterThan(0)
    await rename(root, away)
    await vi.waitFor(async () => {
      const { body } = await getJson(port, '/api/spaces/live')
      // Offline, its items kept: a friend's disk unplugged, not their posts deleted.
      expect(body).toMatchObject({ online: false, status: 'offline', items: before })
    }, waitOpts)
    expect((await get(port, '/@live/')).status).toBe(503)
    expect((await get(port, '/@burst/status/burst/1.json')).status).toBe(200)
    await rename(away, root)
    await vi.waitFor(async () => {
      const { body } = await getJson(port, '/api/spaces/live')
      expect(body).toMatchObject({ online: true, status: 'ready' })
      expect(body.items).toBeGreaterThan(0)
    }, waitOpts)
    // And it is watched again.
    await writeLikeSync(join(root, 'status/after.json'), JSON.stringify({ text: 'after return' }))
    await vi.waitFor(async () => {
      const ids = (await getJson(port, '/timeline.json?space=live&limit=200')).body.items.map(
        (i: any) => i.id,
      )
      expect(ids).toContain('live:status/after.json')
    }, waitOpts)
  })
})

describe('files served while they change', () => {
  it('serves the new bytes of a file replaced by sync, and a 404 once it is deleted', async () => {
    const file = join(root, 'page.html')
    await writeLikeSync(file, '<p>first</p>')
    await vi.waitFor(
      async () => expect((await get(port, '/@live/page.html')).text).toBe('<p>first</p>'),
      waitOpts,
    )
    // Served again and again: from memory now.
    for (let i = 0; i < 5; i++)
      expect((await get(port, '/@live/page.html')).text).toBe('<p>first</p>')
    await writeLikeSync(file, '<p>second, longer</p>')
    await vi.waitFor(
      async () => expect((await get(port, '/@live/page.html')).text).toBe('<p>second, longer</p>'),
      { timeout: 1000, interval: 10 },
    )
    const res = await get(port, '/@live/page.html')
    expect(res.headers['content-length']).toBe(String('<p>second, longer</p>'.length))
    await unlink(file)
    await vi.waitFor(async () => expect((await get(port, '/@live/page.html')).status).toBe(404), {
      timeout: 1000,
      interval: 10,
    })
    // A file that appears where there was a miss is found.
    expect((await get(port, '/@live/later.html')).status).toBe(404)
    await writeLikeSync(join(root, 'later.html'), 'now here')
    await vi.waitFor(
      async () => expect((await get(port, '/@live/later.html')).text).toBe('now here'),
      { timeout: 1000, interval: 10 },
    )
  })
})

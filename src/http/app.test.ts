import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFiles } from '../../test/helpers.js'
import { NO_MUTES, type Config } from '../config/config.js'
import { DEFAULT_LIMITS } from '../config/limits.js'
import { DeviceRegistry } from '../state/devices.js'
import { Pairing } from '../state/pairing.js'
import { ReadMarkers } from '../state/read-markers.js'
import { TimelineIndex } from '../index/index.js'
import { indexLimits } from '../index/indexer/limits.js'
import { createApp } from './app.js'

// The gateway's own routes answer in process, as Hono's tests do: no socket, no port.
let dir: string
let index: TimelineIndex
let app: ReturnType<typeof createApp>['app']

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncweb-app-'))
  await writeFiles(join(dir, 'ada'), {
    'status/1.json': JSON.stringify({ text: 'first', date: '2026-05-01T10:00:00Z', tags: ['a'] }),
    'status/2.json': JSON.stringify({ text: 'second', date: '2026-05-02T10:00:00Z' }),
    'posts/2026-05-03-post.md': '---\ntitle: A post\n---\n\nBody **text**.\n',
  })
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    allowedHosts: [],
    isolation: 'subdomain',
    limits: DEFAULT_LIMITS,
    mute: NO_MUTES,
    spaces: [{ name: 'ada', root: join(dir, 'ada'), title: 'Ada' }],
  }
  index = new TimelineIndex(indexLimits(DEFAULT_LIMITS, false))
  index.setSpaces(config.spaces)
  await index.ready()
  app = createApp({
    config,
    index,
    token: 'token',
    read: await ReadMarkers.open(undefined),
    devices: new DeviceRegistry(undefined),
    pairing: new Pairing(),
    apply() {},
  }).app
})

afterAll(async () => {
  index.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the gateway routes, through app.request()', () => {
  it('answers /timeline.json as a JSON Feed, newest first, with the post rendered', async () => {
    const res = await app.request('/timeline.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8')
    const feed = await res.json()
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1')
    expect(feed.items.map((i: any) => i.title ?? i.content_text)).toEqual([
      'A post',
      'second',
      'first',
    ])
    expect(feed.items[0].content_html).toContain('<strong>text</strong>')
    expect(feed.home_page_url).toBe('http://localhost/timeline')
  })

  it('filters /timeline.json by tag and pages it with next_url', async () => {
    const tagged = await (await app.request('/timeline.json?tag=a')).json()
    expect(tagged.items.map((i: any) => i.content_text)).toEqual(['first'])
    const first = await (await app.request('/timeline.json?limit=2')).json()
    expect(first.items).toHaveLength(2)
    const next = await (
      await app.request(new URL(first.next_url).pathname + new URL(first.next_url).search)
    ).json()
    expect(next.items.map((i: any) => i.content_text)).toEqual(['first'])
  })

  it('says which parameter is wrong with a 400', async () => {
    const res = await app.request('/timeline.json?limit=0')
    expect(res.status).toBe(400)
    expect((await res.json()).error.message).toMatch(/^limit:/)
  })

  it('answers /timeline, /timeline.xml and / for people and feed readers', async () => {
    const page = await app.request('/timeline')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('second')
    const atom = await app.request('/timeline.xml')
    expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expect(await atom.text()).toContain('<title type="text">A post</title>')
    const home = await app.request('/')
    expect(await home.text()).toContain('Ada')
  })

  it('summarises spaces in /api/spaces, and 404s an unknown one in JSON', async () => {
    const [ada] = await (await app.request('/api/spaces')).json()
    expect(ada).toMatchObject({
      name: 'ada',
      title: 'Ada',
      online: true,
      status: 'ready',
      items: 3,
    })
    const missing = await app.request('/api/spaces/zed')
    expect(missing.status).toBe(404)
    expect((await missing.json()).error.code).toBe('no_such_space')
  })

  it('redirects a browser navigation to a space’s own origin, and refuses writes to it', async () => {
    const nav = await app.request('/@ada/posts/', { headers: { 'Sec-Fetch-Mode': 'navigate' } })
    expect(nav.status).toBe(307)
    expect(nav.headers.get('location')).toBe('http://ada.localhost/posts/')
    expect((await app.request('/@ada/x', { method: 'PUT' })).status).toBe(405)
    expect((await app.request('/@zed/x')).status).toBe(404)
  })
})

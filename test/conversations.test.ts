import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig, type SpaceSettings } from '../src/config/config.js'
import { twtHash } from '../src/index/parsers/refs.js'
import type { RunningServer } from '../src/http/server/server.js'
import {
  get,
  getJson,
  openEvents,
  postJson,
  startGateway,
  tempDir,
  writeFiles,
  writeLikeSync,
} from './helpers.js'

// One conversation in five formats across five spaces (DESIGN.md "Conversations and people"):
// a status update, a status reply by `reply_to`, a Markdown post with `in_reply_to`, a twtxt
// reply by its subject and an Atom entry threaded by RFC 4685; and an old reply that names its
// parent by a gateway URL, as syncweb wrote them before refs.
const DAN_URL = 'https://dan.example/twtxt.txt'
const DAN_TWT =
  '@<cat https://cat.example/twtxt.txt> (#cat-post) Nice write-up, @ada should see this'
const DAN_HASH = twtHash(DAN_URL, '2026-11-20T13:00:00Z', DAN_TWT)

const FILES: Record<string, Record<string, string>> = {
  ada: {
    'twtxt.txt': '# nick = ada\n# url = https://ada.example/twtxt.txt\n',
    'status/root.json': JSON.stringify({
      id: 'root-1',
      text: 'The clock tower is fixed!',
      date: '2026-11-20T10:00:00Z',
      tags: ['clocks'],
    }),
    'status/old.json': JSON.stringify({
      text: 'Thanks, Bob (an old reply)',
      date: '2026-11-20T15:00:00Z',
      reply_to: 'http://localhost:5200/@bob/status/r1.json',
    }),
    'status/other.json': JSON.stringify({ text: 'Unrelated', date: '2026-11-20T09:00:00Z' }),
  },
  bob: {
    'status/r1.json': JSON.stringify({
      id: 'bob-r1',
      text: 'Congratulations @ada!',
      date: '2026-11-20T11:00:00Z',
      reply_to: 'root-1',
    }),
  },
  cat: {
    'posts/2026-11-20-the-clock.md': [
      '---',
      'id: cat-post',
      'date: 2026-11-20T12:00:00Z',
      'in_reply_to: bob-r1',
      'title: About the clock',
      '---',
      '',
      'Replying to Bob about the clock: congratulations!',
      '',
    ].join('\n'),
  },
  dan: {
    'twtxt.txt': `# nick = dan\n# url = ${DAN_URL}\n2026-11-20T13:00:00Z\t${DAN_TWT}\n`,
  },
  eve: {
    'feed.xml': `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
  <title>Eve</title><id>urn:eve</id><updated>2026-11-20T14:00:00Z</updated>
  <link href="https://eve.example/"/>
  <entry>
    <id>tag:eve.example,2026:reply-1</id>
    <title>Re: the clock</title>
    <published>2026-11-20T14:00:00Z</published>
    <updated>2026-11-20T14:00:00Z</updated>
    <link href="https://eve.example/reply-1"/>
    <thr:in-reply-to ref="${DAN_HASH}"/>
    <content type="html">&lt;p&gt;Agreed with dan.&lt;/p&gt;</content>
  </entry>
</feed>`,
  },
  fay: {
    'status/q.json': JSON.stringify({
      text: '@<ada https://ada.example/twtxt.txt> what do you think of this?',
      date: '2026-11-20T16:00:00Z',
      reply_to: 'unknown-99',
    }),
  },
}

let server: RunningServer
let port: number
let root: string

beforeAll(async () => {
  root = await tempDir()
  for (const [space, files] of Object.entries(FILES)) await writeFiles(join(root, space), files)
  server = await startGateway(
    Object.keys(FILES).map((name) => ({ name, root: join(root, name) })),
    { me: 'ada' },
  )
  port = server.port
  await server.state.index.ready()
})

const thread = async (ref: string) =>
  (await getJson(port, `/timeline.json?thread=${encodeURIComponent(ref)}`)).body

describe('a conversation across five formats and five spaces', () => {
  it('is listed by ?thread=REF, the root first, then every reply oldest first', async () => {
    const feed = await thread('root-1')
    expect(feed.items.map((i: any) => [i._syncweb.space, i._syncweb.kind])).toEqual([
      ['ada', 'status'],
      ['bob', 'status'],
      ['cat', 'post'],
      ['dan', 'twtxt'],
      ['eve', 'feed'],
      ['ada', 'status'],
    ])
    expect(feed.items.map((i: any) => i._syncweb.ref)).toEqual([
      'root-1',
      'bob-r1',
      'cat-post',
      DAN_HASH,
      'tag:eve.example,2026:reply-1',
      expect.any(String),
    ])
    expect(feed.items.map((i: any) => i._syncweb.reply_to)).toEqual([
      undefined,
      'root-1',
      'bob-r1',
      'cat-post',
      DAN_HASH,
      // The old gateway URL, mapped to the ref of the item at that path.
      'bob-r1',
    ])
    expect(feed.items.every((i: any) => i._syncweb.thread === 'root-1')).toBe(true)
    expect(feed.items[0]._syncweb.replies).toBe(5)
    expect(feed.items[1]._syncweb.replies).toBe(4)
    expect(feed.items[4]._syncweb).not.toHaveProperty('replies')
  })
})

describe('a conversation, seen from any of its items', () => {
  it('is the same whichever ref is asked for: the root is found from a reply', async () => {
    const fromRoot = await thread('root-1')
    const fromTwt = await thread(DAN_HASH)
    expect(fromTwt.items.map((i: any) => i.id)).toEqual(fromRoot.items.map((i: any) => i.id))
  })

  it('answers a reply whose parent nobody followed with what is known', async () => {
    const feed = await thread('unknown-99')
    expect(feed.items.map((i: any) => [i._syncweb.space, i._syncweb.reply_to])).toEqual([
      ['fay', 'unknown-99'],
    ])
    expect(feed.items[0]._syncweb.thread).toBe('unknown-99')
    const page = await get(port, '/timeline?thread=unknown-99', { Accept: 'text/html' })
    expect(page.text).toContain('It starts with a post that none of your spaces holds')
    expect(page.text).toContain('↩ in reply to a post you do not follow')
  })

  it('gives every item a ref and a conversation, and items outside threads no thread fields', async () => {
    const { body } = await getJson(port, '/timeline.json?space=ada')
    const other = body.items.find((i: any) => i.content_text === 'Unrelated')
    expect(other._syncweb.ref).toMatch(/^[a-z2-7]{26}$/)
    expect(other._syncweb).not.toHaveProperty('thread')
    expect(other._syncweb).not.toHaveProperty('reply_to')
    expect(other._syncweb.conversation).toBe(
      `http://127.0.0.1:${port}/timeline?thread=${other._syncweb.ref}`,
    )
  })

  it('shows the conversation page indented, each reply saying whom it answers', async () => {
    const res = await get(port, '/timeline?thread=root-1', { Accept: 'text/html' })
    expect(res.status).toBe(200)
    const order = [
      ...res.text.matchAll(/<article class="item kind-(\w+)([^"]*)" data-id="([^"]+)"/g),
    ]
    expect(order.map((m) => m[3]!.split(':')[0])).toEqual([
      'ada',
      'bob',
      'cat',
      'dan',
      'eve',
      'ada',
    ])
    expect(order.map((m) => /depth-(\d)/.exec(m[2]!)?.[1] ?? '0')).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '2',
    ])
    expect(res.text).toContain('↩ in reply to bob')
    expect(res.text).toContain('↩ in reply to cat')
    expect(res.text).toContain('Reply')
    expect(res.text).toContain('data-reply-to="root-1"')
  })

  it('links a reply in the timeline to its conversation, and every time to a conversation', async () => {
    const res = await get(port, '/timeline', { Accept: 'text/html' })
    expect(res.text).toContain('<a href="/timeline?thread=root-1">↩ in reply to ada</a>')
    const times = [...res.text.matchAll(/<a class="when" href="([^"]+)"/g)].map((m) => m[1])
    expect(times.length).toBeGreaterThan(5)
    expect(times.every((href) => href!.startsWith('/timeline?thread='))).toBe(true)
    expect(res.text).toContain('5 replies')
  })
})

describe('notifications', () => {
  it('lists replies to my items and mentions of me, newest first, never my own', async () => {
    const { body } = await getJson(port, '/timeline.json?to=me')
    expect(body.items.map((i: any) => i._syncweb.space)).toEqual(['fay', 'dan', 'bob'])
    const page = await get(port, '/notifications', { Accept: 'text/html' })
    expect(page.status).toBe(200)
    expect(page.text).toContain('<h1>Notifications</h1>')
    expect(page.text).toContain('Congratulations')
  })

  it('shows no filter chips when there is no friend to filter by', async () => {
    const home = await tempDir()
    await writeFiles(join(home, 'ada'), {
      'status/a.json': JSON.stringify({ text: 'Only me here', date: '2026-05-01T10:00:00Z' }),
    })
    const alone = await startGateway([{ name: 'ada', root: join(home, 'ada') }], { me: 'ada' })
    await alone.state.index.ready()
    const page = (await get(alone.port, '/notifications', { Accept: 'text/html' })).text
    expect(page).toContain('<h1>Notifications</h1>')
    expect(page).not.toContain('class="filters"')
    // The timeline still has its own space to filter by.
    const timeline = (await get(alone.port, '/timeline', { Accept: 'text/html' })).text
    expect(timeline).toContain('>@ada</a>')
    await alone.close()
  })

  it('refuses ?to=anyone-else and ?to=me without a "me", saying why', async () => {
    const res = await getJson(port, '/timeline.json?to=bob')
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('to: the only value is "me"')
  })
})

describe('replying', () => {
  it('writes the parent’s portable ref whether given a ref, a gateway URL or an item id', async () => {
    const token = server.state.token
    const url = `http://localhost:${port}/@bob/status/r1.json`
    for (const [given, ref] of [
      ['cat-post', 'cat-post'],
      [url, 'bob-r1'],
      [`dan:twtxt.txt#2026-11-20T13:00:00.000Z`, DAN_HASH],
      [`http://localhost:${port}/timeline?thread=root-1`, 'root-1'],
    ]) {
      const res = await postJson(port, '/api/posts', { text: `re ${ref}`, reply_to: given }, token)
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      const file = JSON.parse(
        await (await import('node:fs/promises')).readFile(join(root, 'ada', res.body.path), 'utf8'),
      )
      expect(file.reply_to).toBe(ref)
    }
    const missing = await postJson(
      port,
      '/api/posts',
      { text: 'x', reply_to: `http://localhost:${port}/@bob/status/nope.json` },
      token,
    )
    expect(missing.status).toBe(400)
    expect(missing.body.error.message).toContain('is not a post or status update of @bob')
  })

  it('brings a friend’s new reply into the open conversation, the notifications and the bell, live', async () => {
    const conversation = openEvents(port, '/events?thread=root-1')
    const mine = openEvents(port, '/events?to=me')
    await Promise.all([conversation.connected, mine.connected])
    await vi.waitFor(() => expect(mine.messages.some((m) => m.event === 'unread')).toBe(true))
    const before = JSON.parse(mine.messages.find((m) => m.event === 'unread')!.data).notifications
    await writeLikeSync(
      join(root, 'bob', 'status', 'r2.json'),
      JSON.stringify({
        id: 'bob-r2',
        text: 'One more thing',
        reply_to: 'root-1',
        date: new Date().toISOString(),
      }),
    )
    await vi.waitFor(
      () => {
        const items = conversation.messages
          .filter((m) => m.event === 'item')
          .map((m) => JSON.parse(m.data))
        expect(items.map((i) => i._syncweb.ref)).toContain('bob-r2')
        const counts = mine.messages
          .filter((m) => m.event === 'unread')
          .map((m) => JSON.parse(m.data).notifications)
        expect(counts.at(-1)).toBe(before + 1)
      },
      { timeout: 10_000 },
    )
    const page = await get(port, '/timeline', { Accept: 'text/html' })
    expect(page.text).toMatch(/class="bell has-unread"[^>]*>🔔<span class="bell-count">\d+<\/span>/)
  })
})

describe('mute', () => {
  let muted: RunningServer
  let configFile: string

  beforeAll(async () => {
    const dir = await tempDir()
    configFile = join(dir, 'config.json')
    const spaces = Object.fromEntries(
      Object.keys(FILES).map((name) => [name, { path: join(root, name) }]),
    )
    await writeFile(configFile, JSON.stringify({ me: 'ada', spaces }, null, 2))
    const config = (await loadConfig(configFile))!
    muted = await startGateway(config.spaces as SpaceSettings[], { me: 'ada', file: configFile })
    await muted.state.index.ready()
  })

  const mute = (body: object) => postJson(muted.port, '/api/mute', body, muted.state.token)
  const spacesOf = async (path: string) =>
    (await getJson(muted.port, path)).body.items.map((i: any) => i._syncweb.space)

  it('leaves a muted space out of the timeline, both feeds, notifications and /events', async () => {
    const events = openEvents(muted.port, '/events')
    await events.connected
    const res = await mute({ space: 'bob', muted: true })
    expect(res.status).toBe(200)
    expect(res.body.mute.spaces).toEqual(['bob'])
    // The same atomic write as the CLI's: the file says so, and nothing else changed in it.
    const saved = JSON.parse(await readFile(configFile, 'utf8'))
    expect(saved.mute).toEqual({ spaces: ['bob'] })
    expect(saved.me).toBe('ada')
    expect(await spacesOf('/timeline.json?limit=200')).not.toContain('bob')
    expect(await spacesOf('/timeline.json?to=me')).toEqual(['fay', 'dan'])
    expect(await spacesOf('/timeline.json?muted=include&limit=200')).toContain('bob')
    const atom = await get(muted.port, '/timeline.xml')
    expect(atom.text).not.toContain('Congratulations')
    const page = await get(muted.port, '/timeline', { Accept: 'text/html' })
    expect(page.text).toContain('Muted: @bob')
    expect(page.text).not.toContain('Congratulations')
    await writeLikeSync(
      join(root, 'bob', 'status', 'r3.json'),
      JSON.stringify({ text: 'muted news', date: new Date().toISOString() }),
    )
    await writeLikeSync(
      join(root, 'cat', 'status', 'c1.json'),
      JSON.stringify({ text: 'cat news', date: new Date().toISOString() }),
    )
    await vi.waitFor(
      () =>
        expect(events.messages.some((m) => m.event === 'item' && m.data.includes('cat news'))).toBe(
          true,
        ),
      { timeout: 10_000 },
    )
    expect(events.messages.some((m) => m.data.includes('muted news'))).toBe(false)
    expect((await mute({ space: 'bob', muted: false })).body.mute.spaces).toEqual([])
    expect(await spacesOf('/timeline.json?limit=200')).toContain('bob')
  })

  it('mutes a word (any case, as a whole word) and a tag', async () => {
    await mute({ word: 'CLOCK', muted: true })
    const texts = (await getJson(muted.port, '/timeline.json?limit=200')).body.items.map(
      (i: any) => i.content_text ?? '',
    )
    expect(texts.some((t: string) => /clock/i.test(t))).toBe(false)
    expect(texts).toContain('Unrelated')
    await mute({ word: 'CLOCK', muted: false })
    await mute({ tag: '#Clocks', muted: true })
    const refs = (await getJson(muted.port, '/timeline.json?limit=200')).body.items.map(
      (i: any) => i._syncweb.ref,
    )
    expect(refs).not.toContain('root-1')
    expect(refs).toContain('bob-r1')
    await mute({ tag: 'clocks', muted: false })
    expect(JSON.parse(await readFile(configFile, 'utf8')).mute).toEqual({
      spaces: [],
      words: [],
      tags: [],
    })
  })

  it('refuses a bad mute with a reason, and any mute without the page token', async () => {
    expect((await mute({ space: 'bob' })).status).toBe(400)
    expect((await mute({ space: 'bob', tag: 'x', muted: true })).status).toBe(400)
    const stranger = await postJson(muted.port, '/api/mute', { space: 'bob', muted: true }, 'guess')
    expect(stranger.status).toBe(403)
  })
})

describe('unread', () => {
  it('counts what arrived since the last read, marks it read, and remembers across restarts', async () => {
    const stateDir = await tempDir()
    const spaces = Object.keys(FILES).map((name) => ({ name, root: join(root, name) }))
    let gateway = await startGateway(spaces, { me: 'ada' }, { stateDir })
    await gateway.state.index.ready()
    const unread = async () => (await getJson(gateway.port, '/api/unread')).body
    // A first start reads everything up to now: nothing old is "new".
    expect(await unread()).toMatchObject({ timeline: 0, notifications: 0 })
    await writeLikeSync(
      join(root, 'dan', 'twtxt.txt'),
      `${await readFile(join(root, 'dan', 'twtxt.txt'), 'utf8')}${new Date().toISOString()}\thi @ada, news\n`,
    )
    await vi.waitFor(
      () => expect(unread()).resolves.toMatchObject({ timeline: 1, notifications: 1 }),
      {
        timeout: 10_000,
      },
    )
    // What I post myself is never news to me: not counted, not marked.
    const posted = await postJson(
      gateway.port,
      '/api/posts',
      { text: 'My own news' },
      gateway.state.token,
    )
    expect(posted.status).toBe(201)
    await vi.waitFor(
      async () =>
        expect((await get(gateway.port, '/timeline', { Accept: 'text/html' })).text).toContain(
          'My own news',
        ),
      { timeout: 10_000 },
    )
    expect(await unread()).toMatchObject({ timeline: 1, notifications: 1 })
    const page = await get(gateway.port, '/timeline', { Accept: 'text/html' })
    expect(page.text).toContain('1 new since you last read')
    expect(page.text).not.toMatch(/<article class="item kind-status unread"[^>]*data-space="ada"/)
    expect(page.text).not.toContain('>Mute @ada<')
    expect(page.text).toMatch(/<article class="item kind-twtxt unread"/)
    const marked = await postJson(
      gateway.port,
      '/api/read',
      { what: 'notifications' },
      gateway.state.token,
    )
    expect(marked.status).toBe(200)
    expect(marked.body).toMatchObject({ timeline: 1, notifications: 0 })
    await gateway.close()
    gateway = await startGateway(spaces, { me: 'ada' }, { stateDir })
    await gateway.state.index.ready()
    expect(await unread()).toMatchObject({ timeline: 1, notifications: 0 })
    expect(JSON.parse(await readFile(join(stateDir, 'read.json'), 'utf8'))).toHaveProperty(
      'notifications',
    )
  })
})

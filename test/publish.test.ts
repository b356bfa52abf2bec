import { readdir, readFile, writeFile } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { renameIfAbsent } from '../src/atomic.js'
import {
  get,
  getJson,
  openEvents,
  runCli,
  serveCli,
  startGateway,
  tempDir,
  writeFiles,
} from './helpers.js'

async function listStatus(root: string): Promise<string[]> {
  return (await readdir(join(root, 'status'), { recursive: true }))
    .map(String)
    .filter((f) => f.endsWith('.json'))
}

describe('syncweb post', () => {
  let home: string
  let me: string
  let config: string
  let env: Record<string, string>

  beforeAll(async () => {
    home = await tempDir()
    me = join(home, 'me')
    config = join(home, 'config.json')
    await writeFiles(me, { 'index.html': 'me' })
    await writeFile(
      config,
      JSON.stringify({
        me: 'ada',
        spaces: { ada: { path: me }, bob: { path: join(home, 'bob') } },
      }),
    )
    await writeFiles(home, {
      'bob/x': '',
      'bob/status/1.json': JSON.stringify({
        id: 'bob-1',
        text: 'The clock works',
        date: '2026-01-01T10:00:00Z',
      }),
      'photo.PNG': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    })
    env = { HOME: home, XDG_CONFIG_HOME: home, SYNCWEB_CONFIG: config }
  })

  it('writes status/YYYY/MM/…json into me and prints its URL', async () => {
    const res = await runCli(
      ['post', 'Hello from the CLI', '--reply-to', 'http://localhost:4747/@bob/status/1.json'],
      env,
    )
    expect(res.code).toBe(0)
    expect(res.stdout.trim()).toMatch(
      /^http:\/\/localhost:4747\/@ada\/status\/\d{4}\/\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{8}\.json$/,
    )
    const path = new URL(res.stdout.trim()).pathname.replace('/@ada/', '')
    const status = JSON.parse(await readFile(join(me, path), 'utf8'))
    expect(status).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      text: 'Hello from the CLI',
      // The parent's portable ref, not a URL of this gateway (which names its port and names).
      reply_to: 'bob-1',
    })
    expect(Date.parse(status.date)).toBeGreaterThan(Date.now() - 60_000)
    // Nothing else was left in the folder: no temp file.
    expect((await readdir(join(me, path, '..'))).filter((f) => f.startsWith('.'))).toEqual([])
  })

  it('copies --image next to the status and references it relatively', async () => {
    const res = await runCli(['post', 'With a picture', '--image', join(home, 'photo.PNG')], env)
    expect(res.code).toBe(0)
    const path = new URL(res.stdout.trim()).pathname.replace('/@ada/', '')
    const status = JSON.parse(await readFile(join(me, path), 'utf8'))
    expect(status.image).toBe(path.split('/').pop()!.replace('.json', '.png'))
    expect((await readFile(join(me, path, '..', status.image))).length).toBe(4)
  })

  it('drops characters XML forbids from the text (a\\u0001b posts as ab)', async () => {
    const res = await runCli(['post', 'a\u0001b\u001f\uFFFEc\td'], env)
    expect(res.code).toBe(0)
    const path = new URL(res.stdout.trim()).pathname.replace('/@ada/', '')
    expect(JSON.parse(await readFile(join(me, path), 'utf8')).text).toBe('abc\td')
  })

  it('posts to --space when it is one of my own spaces ("me" is a list), never a friend’s', async () => {
    const two = join(home, 'two-of-mine.json')
    await writeFiles(home, { 'work/index.html': 'work' })
    await writeFile(
      two,
      JSON.stringify({
        me: ['ada', 'work'],
        spaces: {
          ada: { path: me },
          work: { path: join(home, 'work') },
          bob: { path: join(home, 'bob') },
        },
      }),
    )
    const res = await runCli(['post', 'into work', '--space', 'work', '--config', two], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('/@work/status/')
    const friend = await runCli(['post', 'into bob', '--space', 'bob', '--config', two], env)
    expect(friend.code).toBe(2)
    expect(friend.stderr).toContain('@bob is not one of your own spaces')
    expect(await listStatus(join(home, 'bob'))).toEqual(['1.json'])
  })

  it('warns when one folder is followed under two names', async () => {
    const res = await runCli(['follow', 'ada-again', me], env)
    expect(res.code).toBe(0)
    expect(res.stderr).toContain('is followed under 2 names (@ada, @ada-again)')
    await runCli(['unfollow', 'ada-again'], env)
  })

  it.each([
    [['post', '   '], 'a status needs some text'],
    [['post', 'x', '--image', '/nonexistent.png'], 'is not a file'],
    [
      ['post', 'x', '--reply-to', 'http://localhost:4747/@bob/status/nope.json'],
      'is not a post or status update of @bob',
    ],
    [
      ['post', 'x', '--reply-to', 'http://localhost:4747/@carl/status/1.json'],
      'names @carl, which you do not follow',
    ],
    [['post', 'x', '--reply-to', 'a\u0001b'], 'give the ref of the post to reply to'],
    [['post', 'x', '--space', 'nobody'], 'no space named "nobody"'],
  ])('refuses %j clearly', async (args, message) => {
    const res = await runCli(args, env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain(message)
  })

  it('refuses when me is not set, saying how to set it', async () => {
    const other = join(home, 'no-me.json')
    await writeFile(other, JSON.stringify({ spaces: { ada: { path: me } } }))
    const res = await runCli(['post', 'hi', '--config', other], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain(`set "me" in ${other}`)
    expect(res.stderr).toContain('"This space is yours" for it on /settings')
  })

  it('refuses when my folder is missing', async () => {
    const other = join(home, 'gone.json')
    await writeFile(
      other,
      JSON.stringify({ me: 'ada', spaces: { ada: { path: join(home, 'gone') } } }),
    )
    const res = await runCli(['post', 'hi', '--config', other], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('is missing')
  })

  it('never shows a reader a partial status file', async () => {
    // A reader polls the folder as fast as it can while 20 posts are written.
    const seen: string[] = []
    let stop = false
    const reader = (async () => {
      while (!stop) {
        for (const file of await listStatus(me).catch(() => [])) {
          const text = await readFile(join(me, 'status', file), 'utf8').catch(() => null)
          if (text !== null) {
            try {
              JSON.parse(text)
            } catch {
              seen.push(file)
            }
          }
        }
      }
    })()
    for (let i = 0; i < 20; i++)
      expect((await runCli(['post', `atomic ${i} ${'x'.repeat(5000)}`], env)).code).toBe(0)
    stop = true
    await reader
    expect(seen).toEqual([])
  }, 90_000)
})

describe('POST /api/posts', () => {
  let port: number
  let token: string
  let me: string

  beforeAll(async () => {
    const dir = await tempDir()
    me = join(dir, 'ada')
    await writeFiles(dir, {
      'ada/index.html': '<p>ada</p>',
      'bob/index.html': '<script>fetch("/api/posts")</script>',
    })
    const server = await startGateway(
      [
        { name: 'ada', root: me },
        { name: 'bob', root: join(dir, 'bob') },
      ],
      { me: 'ada' },
    )
    port = server.port
    token = server.state.token
  })

  const postJson = (
    headers: Record<string, string>,
    body: string = JSON.stringify({ text: 'hello' }),
  ) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/posts',
          method: 'POST',
          headers: { Host: `localhost:${port}`, ...headers },
        },
        (res) => {
          let text = ''
          res.on('data', (d) => (text += d))
          res.on('end', () =>
            resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }),
          )
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  const good = () => ({
    'Content-Type': 'application/json',
    'Sec-Fetch-Site': 'same-origin',
    Origin: `http://localhost:${port}`,
    'X-Syncweb-Token': token,
  })

  it('writes a status with same-origin, JSON and the token, and it reaches the timeline through the watcher', async () => {
    const events = openEvents(port)
    await events.connected
    const res = await postJson(good(), JSON.stringify({ text: 'from the compose box' }))
    expect(res.status).toBe(201)
    expect(res.body.url).toMatch(new RegExp(`^http://localhost:${port}/@ada/status/`))
    await vi.waitFor(
      () =>
        expect(
          events.messages.some((m) => m.event === 'item' && JSON.parse(m.data).id === res.body.id),
        ).toBe(true),
      { timeout: 10_000 },
    )
  })

  it.each([
    ['a cross-site request', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }],
    [
      'a space on its own origin',
      { 'Sec-Fetch-Site': 'same-site', Origin: 'http://bob.localhost:PORT' },
    ],
    ['a sandboxed space page (Origin: null)', { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' }],
    ['no Origin and no Sec-Fetch-Site', { Origin: undefined, 'Sec-Fetch-Site': undefined }],
    ['no token', { 'X-Syncweb-Token': undefined }],
    ['a wrong token', { 'X-Syncweb-Token': 'guess' }],
    ['an Origin on another port', { Origin: 'http://localhost:1' }],
  ])('refuses %s with 403', async (_, change) => {
    const headers: Record<string, string> = { ...good() }
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete headers[k]
      else headers[k] = v.replace('PORT', String(port))
    }
    const before = await listStatus(me).catch(() => [])
    const res = await postJson(headers)
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('forbidden')
    expect(await listStatus(me).catch(() => [])).toEqual(before)
  })

  it('refuses a form post with 415, and a body over 64 KB with 413', async () => {
    expect(
      (
        await postJson(
          { ...good(), 'Content-Type': 'application/x-www-form-urlencoded' },
          'text=hi',
        )
      ).status,
    ).toBe(415)
    expect(
      (await postJson({ ...good(), 'Content-Type': 'text/plain' }, '{"text":"hi"}')).status,
    ).toBe(415)
    expect((await postJson(good(), JSON.stringify({ text: 'x'.repeat(70_000) }))).status).toBe(413)
  })

  it('drops characters XML forbids from the text: a\\u0000b posts as ab', async () => {
    for (const [sent, kept] of [
      ['a\u0000b', 'ab'],
      ['x\u0008\u000b\u000c\u001f\uFFFE\uFFFFy', 'xy'],
      ['lone \uD800 and \uDC00 halves, a pair 😊 stays', 'lone  and  halves, a pair 😊 stays'],
      ['tab\tLF\nCR\r kept', 'tab\tLF\nCR\r kept'],
    ]) {
      const res = await postJson(good(), JSON.stringify({ text: sent }))
      expect(res.status).toBe(201)
      expect(JSON.parse(await readFile(join(me, res.body.path), 'utf8')).text).toBe(kept)
    }
    // Nothing but forbidden characters is no text at all.
    expect((await postJson(good(), JSON.stringify({ text: '\u0000\u0001' }))).status).toBe(400)
  })

  it('answers GET with 405 and bad JSON with 400', async () => {
    expect((await get(port, '/api/posts')).status).toBe(405)
    expect((await postJson(good(), '{nope')).status).toBe(400)
    expect((await postJson(good(), '{"text": 5}')).status).toBe(400)
  })

  it('cannot be reached from a space origin at all', async () => {
    const res = await get(port, '/api/posts', { Host: `bob.localhost:${port}` }, 'POST')
    expect(res.status).toBe(405)
  })

  it('puts the token only on the timeline page, never on a space page', async () => {
    const timeline = await get(port, '/timeline', { Accept: 'text/html' })
    expect(timeline.text).toContain(`<meta name="syncweb-token" content="${token}">`)
    expect(timeline.text).toContain('id="compose"')
    for (const [path, host] of [
      ['/@ada/', 'localhost'],
      ['/', 'ada.localhost'],
      ['/', 'localhost'],
      ['/nope', 'ada.localhost'],
    ] as const) {
      const res = await get(port, path, { Host: `${host}:${port}`, Accept: 'text/html' })
      expect(res.text).not.toContain(token)
    }
  })
})

describe('a burst of posts', () => {
  it('keeps every one of 1,500 concurrent POST /api/posts: each 201 is its own file, with its own text', async () => {
    const dir = await tempDir()
    const me = join(dir, 'ada')
    await writeFiles(me, { 'index.html': '<p>ada</p>' })
    const server = await startGateway([{ name: 'ada', root: me }], { me: 'ada' })
    const { port } = server
    const headers = {
      Host: `localhost:${port}`,
      'Content-Type': 'application/json',
      Origin: `http://localhost:${port}`,
      'X-Syncweb-Token': server.state.token,
    }
    // All 1,500 are sent at once; the agent keeps 100 of them on the wire at a time.
    const agent = new Agent({ keepAlive: true, maxSockets: 100 })
    const post = (text: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = request(
          { agent, host: '127.0.0.1', port, path: '/api/posts', method: 'POST', headers },
          (res) => {
            let body = ''
            res.on('data', (d) => (body += d))
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }))
          },
        )
        req.on('error', reject)
        req.end(JSON.stringify({ text }))
      })
    const texts = Array.from({ length: 1500 }, (_, i) => `burst post ${i}`)
    const answers = await Promise.all(texts.map(post)).finally(() => agent.destroy())

    const created = answers.filter((a) => a.status === 201)
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body)).toEqual([])
    expect(created).toHaveLength(1500)
    expect(await listStatus(me)).toHaveLength(created.length)
    const ids = new Set<string>()
    for (const [i, answer] of answers.entries()) {
      expect(answer.body.path).toMatch(/^status\/\d{4}\/\d{2}\/[\dT-]+Z-[0-9a-f]{8}\.json$/)
      const status = JSON.parse(await readFile(join(me, answer.body.path), 'utf8'))
      expect(status.text).toBe(texts[i])
      expect(status.id).toMatch(/^[0-9a-f]{32}$/)
      expect(answer.body.id).toBe(`ada:${status.id}`)
      ids.add(status.id)
    }
    expect(ids.size).toBe(1500)
    // No temp file left behind.
    const all = (await readdir(join(me, 'status'), { recursive: true })).map(String)
    expect(all.filter((f) => f.split('/').pop()!.startsWith('.'))).toEqual([])
  }, 120_000)

  it('never replaces a file where hard links are missing either (the check-and-rename fallback)', async () => {
    // No file system without hard links can be mounted here (no vfat), so the fallback is
    // driven directly: 50 finished temp files race for one name, then one for a taken name.
    const dir = await tempDir()
    const target = join(dir, 'status.json')
    const temps = Array.from({ length: 50 }, (_, i) => join(dir, `.t${i}.tmp`))
    await Promise.all(temps.map((t, i) => writeFile(t, `post ${i}`)))
    const results = await Promise.allSettled(temps.map((t) => renameIfAbsent(t, target)))
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []))
    expect(won).toHaveLength(1)
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as any).reason.code),
    ).toEqual(Array(49).fill('EEXIST'))
    expect(await readFile(target, 'utf8')).toBe(`post ${won[0]}`)
    await writeFile(join(dir, '.late.tmp'), 'late')
    await expect(renameIfAbsent(join(dir, '.late.tmp'), target)).rejects.toMatchObject({
      code: 'EEXIST',
    })
    expect(await readFile(target, 'utf8')).toBe(`post ${won[0]}`)
  })
})

describe('config hot reload', () => {
  it('follows and unfollows in a running server within a second, and keeps the last good config', async () => {
    const dir = await tempDir()
    const config = join(dir, 'config.json')
    await writeFiles(dir, {
      'a/status/1.json': JSON.stringify({ text: 'a one' }),
      'b/status/1.json': JSON.stringify({ text: 'b one' }),
    })
    await writeFile(config, JSON.stringify({ spaces: { a: { path: 'a' } } }))
    const env = { HOME: dir, XDG_CONFIG_HOME: dir }
    const server = await serveCli(['--config', config], env)
    const events = openEvents(server.port)
    await events.connected

    const started = Date.now()
    expect((await runCli(['follow', 'b', join(dir, 'b'), '--config', config], env)).code).toBe(0)
    await vi.waitFor(
      async () => expect((await get(server.port, '/@b/status/1.json')).status).toBe(200),
      { timeout: 5000, interval: 50 },
    )
    const took = Date.now() - started
    console.log(`follow → served in ${took} ms`)
    expect(took).toBeLessThan(1500)
    await vi.waitFor(() =>
      expect(
        events.messages.some((m) => m.event === 'space' && JSON.parse(m.data).name === 'b'),
      ).toBe(true),
    )
    await vi.waitFor(async () =>
      expect((await getJson(server.port, '/api/spaces/b')).body.items).toBe(1),
    )

    // A broken edit: the server keeps serving b and says why.
    await writeFile(config, '{ "spaces": ')
    await vi.waitFor(
      () => expect(server.output().stderr).toContain('keeping the last good configuration'),
      { timeout: 5000 },
    )
    expect((await get(server.port, '/@b/status/1.json')).status).toBe(200)

    await writeFile(config, JSON.stringify({ spaces: { a: { path: 'a' }, b: { path: 'b' } } }))
    expect((await runCli(['unfollow', 'b', '--config', config], env)).code).toBe(0)
    await vi.waitFor(async () => expect((await get(server.port, '/@b/')).status).toBe(404), {
      timeout: 5000,
      interval: 50,
    })
    await vi.waitFor(() =>
      expect(
        events.messages.some((m) => m.event === 'space' && JSON.parse(m.data).followed === false),
      ).toBe(true),
    )
    expect(
      (await getJson(server.port, '/timeline.json')).body.items.map((i: any) => i._syncweb.space),
    ).toEqual(['a'])
  })
})

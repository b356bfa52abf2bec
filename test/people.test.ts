import { readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { SpaceSettings } from '../src/config/config.js'
import type { RunningServer } from '../src/http/server/server.js'
import { nameForUrl, personOf } from '../src/people/index.js'
import {
  get,
  getJson,
  runCli,
  serveCli,
  startGateway,
  tempDir,
  writeFiles,
  writeLikeSync,
} from './helpers.js'

// Issue 13, people: who a space is (profile.json, else twtxt metadata, else its home page),
// what the user calls it, and `syncweb profile` — through the real server on a real socket.

const waitOpts = { timeout: 10_000, interval: 50 }
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('a tiny image')])
const DAVE = 'https://dave.example/twtxt.txt'

let parent: string
let server: RunningServer
let port: number

async function summaries(): Promise<Record<string, any>> {
  const { body } = await getJson<any[]>(port, '/api/spaces')
  return Object.fromEntries(body.map((s) => [s.name, s]))
}

const person = (space: string) => personOf(server.state.config, server.state.index, space)

beforeAll(async () => {
  parent = await tempDir('syncweb-people-')
  await writeFiles(parent, {
    // Outside every space: what an avatar must never serve.
    'secret.png': Buffer.concat([PNG, Buffer.from('SECRET')]),
    'bob/profile.json': JSON.stringify({
      name: 'Robert',
      nick: 'bob',
      avatar: './img/me.png',
      description: 'Builds things',
      links: ['https://bob.example/', 'javascript:alert(1)'],
    }),
    'bob/img/me.png': PNG,
    'carol/twtxt.txt': [
      '# nick = carol',
      '# url = https://carol.example/twtxt.txt',
      '# avatar = https://carol.example/pics/carol.png',
      '# description = Keeps a log',
      '# link = Home https://carol.example/',
      `# follow = dave ${DAVE}`,
      '2026-05-01T10:00:00Z\tHello',
      '',
    ].join('\n'),
    'carol/pics/carol.png': PNG,
    'dan/index.html':
      '<html><head><title>Dan’s place</title><link rel="icon" href="/favicon.png">' +
      '<meta name="description" content="Dan writes here"></head><body>hi</body></html>',
    'dan/favicon.png': PNG,
    'erin/profile.json': JSON.stringify({ name: 'Erin' }),
    'erin/twtxt.txt': '# nick = erin_t\n# avatar = e.png\n# description = from twtxt\n',
    'erin/index.html': '<title>Erin’s home</title><link rel="icon" href="icon.png">',
    'erin/e.png': PNG,
    'frank/profile.json': '{"name": "Frank", ',
    'frank/twtxt.txt': '# nick = frank\n2026-05-01T10:00:00Z\tStill here\n',
    'frank/index.html': '<p>Frank’s site</p>',
    'gina/profile.json': JSON.stringify({ name: 'Gina', avatar: '../secret.png' }),
    'hal/profile.json': JSON.stringify({ name: 'Hal', avatar: 'link.png' }),
  })
  await symlink(join(parent, 'secret.png'), join(parent, 'hal/link.png'))
  const spaces: SpaceSettings[] = ['carol', 'dan', 'erin', 'frank', 'gina', 'hal'].map((name) => ({
    name,
    root: join(parent, name),
  }))
  server = await startGateway([
    { name: 'bob', root: join(parent, 'bob'), title: 'Bobby' },
    ...spaces,
  ])
  port = server.port
  await server.state.index.ready()
})

describe('who a space is', () => {
  it('reads profile.json, and serves its avatar through the space', async () => {
    const bob = (await summaries()).bob
    expect(bob.profile).toEqual({
      source: 'profile.json',
      name: 'Robert',
      nick: 'bob',
      avatar: 'img/me.png',
      description: 'Builds things',
      links: [{ url: 'https://bob.example/' }],
    })
    expect(bob.problems).toEqual([
      { file: 'profile.json', reason: expect.stringContaining('not http(s)') },
    ])
    const avatar = await get(port, person('bob').avatar!)
    expect(avatar.status).toBe(200)
    expect(avatar.body.equals(PNG)).toBe(true)
  })

  it('reads twtxt metadata alone, its absolute avatar mapped to a file of the space', async () => {
    expect((await summaries()).carol.profile).toEqual({
      source: 'twtxt.txt',
      name: 'carol',
      nick: 'carol',
      avatar: 'pics/carol.png',
      description: 'Keeps a log',
      links: [{ title: 'Home', url: 'https://carol.example/' }],
    })
    expect(person('carol').avatar).toBe('/@carol/pics/carol.png')
    expect((await get(port, '/@carol/pics/carol.png')).status).toBe(200)
  })

  it('reads the home page alone: title, icon, description', async () => {
    expect((await summaries()).dan.profile).toEqual({
      source: 'index.html',
      name: 'Dan’s place',
      avatar: 'favicon.png',
      description: 'Dan writes here',
      links: [],
    })
    expect((await get(port, person('dan').avatar!)).status).toBe(200)
  })

  it('asks profile.json, then twtxt, then the home page, field by field', async () => {
    expect((await summaries()).erin.profile).toEqual({
      source: 'profile.json',
      name: 'Erin',
      nick: 'erin_t',
      avatar: 'e.png',
      description: 'from twtxt',
      links: [],
    })
  })

  it('lists a malformed profile.json as its problem, falls back, and serves the rest', async () => {
    const frank = (await summaries()).frank
    expect(frank.problems).toEqual([
      { file: 'profile.json', reason: expect.stringMatching(/not valid JSON/) },
    ])
    expect(frank.profile).toMatchObject({ source: 'twtxt.txt', name: 'frank' })
    expect((await get(port, '/@frank/')).status).toBe(200)
    const feed = await getJson(port, '/timeline.json?space=frank')
    expect(feed.body.items.map((i: any) => i.content_text)).toEqual(['Still here'])
  })

  it('never takes an avatar path with .. out of the space', async () => {
    const gina = (await summaries()).gina
    expect(gina.profile).toEqual({ source: 'profile.json', name: 'Gina', links: [] })
    expect(gina.problems[0].reason).toContain('"avatar"')
    expect(person('gina').avatar).toBeUndefined()
  })

  it('never serves an avatar that is a symlink out of the space', async () => {
    expect(person('hal').avatar).toBe('/@hal/link.png')
    const res = await get(port, '/@hal/link.png')
    expect(res.status).toBe(404)
    expect(res.text).not.toContain('SECRET')
  })
})

describe('what the user calls them', () => {
  it('lets the config title win, with the friend’s own name beside it', async () => {
    expect(person('bob')).toMatchObject({ name: 'Bobby', ownName: 'Robert', initial: 'B' })
    expect((await summaries()).bob).toMatchObject({ title: 'Bobby', profile: { name: 'Robert' } })
    expect(person('carol')).toMatchObject({ name: 'carol' })
    expect(person('carol').ownName).toBeUndefined()
  })

  it('names someone only a friend follows as the friend does: "dave, followed by carol"', () => {
    const { config, index } = server.state
    expect(nameForUrl(config, index, DAVE)).toEqual({
      name: 'dave, followed by carol',
      followedBy: 'carol',
    })
    expect(nameForUrl(config, index, 'https://CAROL.example/twtxt.txt')).toEqual({
      space: 'carol',
      name: 'carol',
    })
    expect(nameForUrl(config, index, 'https://nobody.example/twtxt.txt')).toBeUndefined()
  })
})

describe('a profile that changes', () => {
  it('follows profile.json as it is written, replaced and removed', async () => {
    const root = join(parent, 'erin')
    await writeLikeSync(join(root, 'profile.json'), JSON.stringify({ name: 'Erin E.' }))
    await vi.waitFor(
      async () => expect((await summaries()).erin.profile.name).toBe('Erin E.'),
      waitOpts,
    )
    await rm(join(root, 'profile.json'))
    await vi.waitFor(
      async () =>
        expect((await summaries()).erin.profile).toMatchObject({
          source: 'twtxt.txt',
          name: 'erin_t',
        }),
      waitOpts,
    )
  })

  it('is remembered by a restart that reads no unchanged file', async () => {
    const home = await tempDir()
    await writeFiles(home, {
      'pal/index.html': '<title>Pal’s page</title><link rel="icon" href="p.png">',
      'pal/profile.json': JSON.stringify({ nick: 'pal' }),
    })
    const config = join(home, 'config.json')
    await writeFile(config, JSON.stringify({ spaces: { pal: { path: join(home, 'pal') } } }))
    const start = async () => {
      const args = ['--config', config, '--cache-dir', join(home, 'cache')]
      const gateway = await serveCli(args, { HOME: home })
      await vi.waitFor(() => expect(gateway.output().stderr).toMatch(/^Indexed /m), waitOpts)
      return gateway
    }
    const first = await start()
    first.child.kill('SIGTERM')
    await new Promise((resolve) => first.child.once('exit', resolve))
    const second = await start()
    expect(second.output().stderr).toMatch(/\(0 read, 2 unchanged/)
    const { body } = await getJson(second.port, '/api/spaces/pal')
    expect(body.profile).toEqual({
      source: 'profile.json',
      name: 'pal',
      nick: 'pal',
      avatar: 'p.png',
      links: [],
    })
  })
})

describe('syncweb profile', () => {
  it('writes profile.json and the avatar into "me" atomically, and the gateway shows it', async () => {
    const home = await tempDir('syncweb-home-')
    const me = join(home, 'me')
    await writeFiles(home, {
      'me/profile.json': JSON.stringify({ name: 'Old name', pronouns: 'they/them' }),
      'Pictures/me.png': PNG,
      'notes.txt': 'not an image',
    })
    const configFile = join(home, 'config.json')
    await writeFile(configFile, JSON.stringify({ me: 'me', spaces: { me: { path: me } } }))
    const gateway = await startGateway([{ name: 'me', root: me }], { me: 'me' })
    await gateway.state.index.ready()
    const env = { HOME: home }

    const res = await runCli(
      [
        'profile',
        '--config',
        configFile,
        '--name',
        'Ann',
        '--nick',
        'ann',
        '--avatar',
        join(home, 'Pictures/me.png'),
        '--link',
        'https://ann.example/',
      ],
      env,
    )
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain(join(me, 'profile.json'))
    expect(JSON.parse(await readFile(join(me, 'profile.json'), 'utf8'))).toEqual({
      name: 'Ann',
      pronouns: 'they/them',
      nick: 'ann',
      links: ['https://ann.example/'],
      avatar: 'avatar.png',
    })
    expect((await readFile(join(me, 'avatar.png'))).equals(PNG)).toBe(true)
    // Nothing half-written left behind for the sync tool to ship.
    expect((await readdir(me)).sort()).toEqual(['avatar.png', 'profile.json'])

    await vi.waitFor(async () => {
      const { body } = await getJson(gateway.port, '/api/spaces/me')
      expect(body.profile).toMatchObject({ source: 'profile.json', name: 'Ann', nick: 'ann' })
    }, waitOpts)
    const avatar = personOf(gateway.state.config, gateway.state.index, 'me').avatar!
    expect((await get(gateway.port, avatar)).body.equals(PNG)).toBe(true)

    const shown = await runCli(['profile', '--config', configFile], env)
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'Ann', avatar: 'avatar.png' })

    const bad = await runCli(
      ['profile', '--config', configFile, '--avatar', join(home, 'notes.txt')],
      env,
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/not an image syncweb takes: use a \.png/)
  })

  it('says what to do when there is no space of your own', async () => {
    const home = await tempDir('syncweb-home-')
    const configFile = join(home, 'config.json')
    await writeFile(configFile, JSON.stringify({ spaces: { a: { path: home } } }))
    const res = await runCli(['profile', '--config', configFile, '--name', 'X'], { HOME: home })
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('set "me"')
  })

  it('describes every option in --help', async () => {
    const res = await runCli(['profile', '--help'], {})
    expect(res.code).toBe(0)
    for (const option of ['--name', '--nick', '--avatar', '--description', '--link', '--config'])
      expect(res.stdout).toContain(option)
  })
})

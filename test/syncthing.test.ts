// End to end over real Syncthing (Debian's `syncthing`): a friend's instance shares a folder,
// send-only, with the user's (receive-only); the user follows it with `syncweb import syncthing
// --api`; the friend posts with `syncweb post`, then replies to the user's status by its ref; both
// reach the user's timeline and /events, the reply the user's notifications and bell.
// Both instances talk over 127.0.0.1 only: discovery, relays, NAT and announcements off
// (../shared/SYNCTHING.md).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { XMLBuilder, XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { get, getJson, openEvents, runCli, serveCli, tempDir } from './helpers.js'

function findSyncthing(): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v syncthing'], { encoding: 'utf8' }).trim() || undefined
    )
  } catch {
    return undefined
  }
}

const SYNCTHING = findSyncthing()
if (!SYNCTHING) {
  if (process.env.CI === 'true')
    throw new Error('syncthing is not installed, and CI must run this test (.ci/run installs it)')
  console.warn('Syncthing end-to-end test skipped: syncthing not found (apt-get install syncthing)')
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

interface Instance {
  name: string
  home: string
  id: string
  gui: number
  listen: number
  key: string
  process?: ChildProcess
}

async function createInstance(dir: string, name: string): Promise<Instance> {
  const home = join(dir, name)
  execFileSync(
    SYNCTHING!,
    ['generate', '--home', home, '--no-default-folder', '--skip-port-probing'],
    { stdio: 'ignore' },
  )
  const id = execFileSync(SYNCTHING!, ['serve', '--home', home, '--device-id'], {
    encoding: 'utf8',
  }).trim()
  const instance = {
    name,
    home,
    id,
    gui: await freePort(),
    listen: await freePort(),
    key: `key-${name}-${Date.now()}`,
  }
  // GUI address, API key and a loopback-only network, before the first start.
  const file = join(home, 'config.xml')
  const options = {
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    parseTagValue: false,
    // Syncthing wants enabled="true", not a bare attribute.
    suppressBooleanAttributes: false,
  }
  const xml = new XMLParser(options).parse(await readFile(file, 'utf8'))
  xml.configuration.gui.address = `127.0.0.1:${instance.gui}`
  xml.configuration.gui.apikey = instance.key
  Object.assign(xml.configuration.options, {
    listenAddress: `tcp://127.0.0.1:${instance.listen}`,
    globalAnnounceEnabled: 'false',
    localAnnounceEnabled: 'false',
    relaysEnabled: 'false',
    natEnabled: 'false',
    crashReportingEnabled: 'false',
    startBrowser: 'false',
    urAccepted: '-1',
    autoUpgradeIntervalH: '0',
  })
  await writeFile(file, new XMLBuilder(options).build(xml))
  return instance
}

const logs = new Map<string, () => string>()

function start(instance: Instance) {
  instance.process = spawn(
    SYNCTHING!,
    ['serve', '--home', instance.home, '--no-browser', '--no-restart', '--no-upgrade'],
    {
      env: { ...process.env, STHASHING: 'minio', STNODEFAULTFOLDER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that cleanup stops Syncthing and anything it started.
      detached: true,
    },
  )
  let log = ''
  logs.set(instance.name, () => log)
  instance.process.stdout!.on('data', (d) => (log = (log + d).slice(-20_000)))
  instance.process.stderr!.on('data', (d) => (log = (log + d).slice(-20_000)))
}

async function api(instance: Instance, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${instance.gui}${path}`, {
    method,
    headers: { 'X-API-Key': instance.key, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!res.ok)
    throw new Error(`${instance.name} ${method} ${path}: ${res.status} ${await res.text()}`)
  const text = await res.text()
  return text ? JSON.parse(text) : undefined
}

describe.skipIf(!SYNCTHING)('over real Syncthing on 127.0.0.1', () => {
  let friend: Instance
  let user: Instance
  let dir: string

  beforeAll(async () => {
    dir = await tempDir()
    friend = await createInstance(dir, 'friend')
    user = await createInstance(dir, 'user')
    start(friend)
    start(user)
    for (const instance of [friend, user]) {
      await vi
        .waitFor(() => api(instance, 'GET', '/rest/system/ping'), {
          timeout: 20_000,
          interval: 100,
        })
        .catch((error) => {
          const log = logs.get(instance.name)?.().slice(-3000)
          throw new Error(`Syncthing ${instance.name} never answered: ${error.message}\n${log}`)
        })
    }
    // Introduce the devices to each other by ID and address, then share the folder.
    await api(friend, 'POST', '/rest/config/devices', {
      deviceID: user.id,
      name: 'user',
      addresses: [`tcp://127.0.0.1:${user.listen}`],
    })
    await api(user, 'POST', '/rest/config/devices', {
      deviceID: friend.id,
      name: 'friend',
      addresses: [`tcp://127.0.0.1:${friend.listen}`],
    })
    const folder = (type: string, path: string) => ({
      id: 'friend-notes',
      label: "Friend's notes",
      path,
      type,
      devices: [{ deviceID: friend.id }, { deviceID: user.id }],
      fsWatcherEnabled: true,
      fsWatcherDelayS: 1,
      rescanIntervalS: 3600,
    })
    await api(
      friend,
      'POST',
      '/rest/config/folders',
      folder('sendonly', join(dir, 'friend-folder')),
    )
    await api(user, 'POST', '/rest/config/folders', folder('receiveonly', join(dir, 'user-copy')))
    await vi.waitFor(
      async () => {
        const connections = await api(user, 'GET', '/rest/system/connections')
        expect(connections.connections[friend.id]?.connected).toBe(true)
      },
      { timeout: 30_000, interval: 200 },
    )
  }, 90_000)

  afterAll(async () => {
    for (const instance of [friend, user]) {
      const pid = instance?.process?.pid
      if (pid) {
        try {
          process.kill(-pid, 'SIGTERM')
        } catch {}
      }
    }
    // Every process we started is gone.
    await vi.waitFor(
      () => {
        for (const instance of [friend, user]) {
          const pid = instance?.process?.pid
          if (!pid) continue
          expect(() => process.kill(-pid, 0)).toThrow()
        }
      },
      { timeout: 10_000 },
    )
  })

  it('imports the shared folder; the friend’s post and reply reach the timeline, /events, notifications and the bell', async () => {
    // The user's side: follow whatever Syncthing shares, through its REST API.
    const userConfig = join(dir, 'user-syncweb.json')
    const env = { HOME: dir, XDG_CONFIG_HOME: dir }
    const imported = await runCli(
      [
        'import',
        'syncthing',
        '--api',
        `http://127.0.0.1:${user.gui}`,
        '--api-key',
        user.key,
        '--syncweb-config',
        userConfig,
      ],
      env,
    )
    expect(imported.stdout).toContain(`Following @friends-notes: ${join(dir, 'user-copy')}`)
    // The user's own space, with a status the friend will answer.
    const mine = join(dir, 'user-own')
    await mkdir(join(mine, 'status'), { recursive: true })
    await writeFile(
      join(mine, 'status', 'hello.json'),
      JSON.stringify({ id: 'user-hello', text: 'Anyone there?', date: '2026-11-20T10:00:00Z' }),
    )
    const config = JSON.parse(await readFile(userConfig, 'utf8'))
    config.spaces.mine = { path: mine }
    config.me = 'mine'
    await writeFile(userConfig, JSON.stringify(config))
    const gateway = await serveCli(['--config', userConfig], env)
    const events = openEvents(gateway.port)
    const notifications = openEvents(gateway.port, '/events?to=me')
    await Promise.all([events.connected, notifications.connected])

    // The friend's side: their own syncweb config, with the shared folder as "me".
    const friendConfig = join(dir, 'friend-syncweb.json')
    await writeFile(
      friendConfig,
      JSON.stringify({ me: 'me', spaces: { me: { path: join(dir, 'friend-folder') } } }),
    )
    const posted = Date.now()
    const post = await runCli(['post', 'Hello over Syncthing!', '--config', friendConfig], env)
    expect(post.code).toBe(0)

    await vi.waitFor(
      () =>
        expect(
          events.messages.some(
            (m) =>
              m.event === 'item' && JSON.parse(m.data).content_text === 'Hello over Syncthing!',
          ),
        ).toBe(true),
      { timeout: 60_000, interval: 100 },
    )
    const seconds = (Date.now() - posted) / 1000
    console.log(
      `syncweb post on the friend's side → /events on the user's side: ${seconds.toFixed(2)} s`,
    )
    const { body } = await getJson(gateway.port, '/timeline.json?space=friends-notes')
    expect(body.items[0]).toMatchObject({
      content_text: 'Hello over Syncthing!',
      _syncweb: { space: 'friends-notes', kind: 'status' },
    })
    // Syncthing's own files never became items or problems.
    expect((await getJson(gateway.port, '/api/spaces/friends-notes')).body.problems).toEqual([])

    // The friend answers the user's status by its portable ref: the same on both sides,
    // whatever each calls the other's folder.
    const reply = await runCli(
      ['post', 'Yes, here!', '--reply-to', 'user-hello', '--config', friendConfig],
      env,
    )
    expect(reply.code).toBe(0)
    await vi.waitFor(
      async () => {
        const { body } = await getJson(gateway.port, '/timeline.json?to=me')
        expect(body.items.map((i: any) => i.content_text)).toContain('Yes, here!')
      },
      { timeout: 60_000, interval: 200 },
    )
    const { body: mentions } = await getJson(gateway.port, '/timeline.json?to=me')
    expect(mentions.items[0]._syncweb).toMatchObject({
      space: 'friends-notes',
      reply_to: 'user-hello',
      thread: 'user-hello',
    })
    // The bell: its count on every page, and live on /events.
    await vi.waitFor(
      () =>
        expect(
          notifications.messages
            .filter((m) => m.event === 'unread')
            .map((m) => JSON.parse(m.data).notifications)
            .at(-1),
        ).toBe(1),
      { timeout: 10_000 },
    )
    const page = await get(gateway.port, '/timeline', { Accept: 'text/html' })
    expect(page.text).toContain('<span class="bell-count">1</span>')
  }, 180_000)
})

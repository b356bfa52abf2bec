// End to end over real Syncthing (Debian's `syncthing`): a friend's instance shares a folder,
// send-only, with the user's (receive-only); the user follows it with `syncweb import syncthing
// --api`; the friend posts with `syncweb post`, then replies to the user's status by its ref; both
// reach the user's timeline and /events, the reply the user's notifications and bell.
// Both instances talk over 127.0.0.1 only: discovery, relays, NAT and announcements off
// (../shared/SYNCTHING.md).
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { get, getJson, openEvents, runCli, serveCli, tempDir } from './helpers.js'
import {
  addFolder,
  createInstance,
  introduce,
  requireSyncthing,
  start,
  stop,
  SYNCTHING,
  type Instance,
} from './syncthing-peers.js'

requireSyncthing('Syncthing end-to-end test')

describe.skipIf(!SYNCTHING)('over real Syncthing on 127.0.0.1', () => {
  let friend: Instance
  let user: Instance
  let dir: string

  beforeAll(async () => {
    dir = await tempDir()
    friend = await createInstance(dir, 'friend')
    user = await createInstance(dir, 'user')
    await Promise.all([start(friend), start(user)])
    // Introduce the devices to each other by ID and address, then share the folder.
    await introduce(friend, user)
    const folder = { id: 'friend-notes', label: "Friend's notes" }
    await addFolder(friend, {
      ...folder,
      path: join(dir, 'friend-folder'),
      type: 'sendonly',
      with: [user],
    })
    await addFolder(user, {
      ...folder,
      path: join(dir, 'user-copy'),
      type: 'receiveonly',
      with: [friend],
    })
  }, 150_000)

  afterAll(async () => {
    // Every process we started is gone.
    await stop(friend, user)
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

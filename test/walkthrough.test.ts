// The README's "Use it with Syncthing" walkthrough, followed step by step as a new user would,
// through the real CLI (bin/syncweb.js) on a machine where syncweb has never run: a fresh $HOME
// with no ~/.config, ~/.local/state or ~/.cache, and no XDG_* variables, so that every default
// path is the one used (and no real config is touched). Two real Syncthing instances, yours
// (Ada) and a friend's (Bo), sync over 127.0.0.1 only (../shared/SYNCTHING.md).
//
// If this test needs a step the README does not give, the README is what should change.
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { get, getJson, runCli, serveCli, tempDir, type CliResult } from './helpers.js'
import {
  acceptFolder,
  addFolder,
  createInstance,
  introduce,
  requireSyncthing,
  start,
  stop,
  SYNC_TIMEOUT,
  SYNCTHING,
  waitForPath,
  type Instance,
} from './syncthing-peers.js'

requireSyncthing('The README walkthrough test')

/** A step's limit: above every wait inside it (SYNC_TIMEOUT each), for a busy machine. */
const STEP_TIMEOUT = 3 * SYNC_TIMEOUT

/** Every command run and what it printed; SYNCWEB_TRANSCRIPT=1 prints it at the end. */
const transcript: string[] = []

/** `syncweb ARGS` as `who` (Ada or Bo) runs it in a shell: recorded in the transcript. */
async function syncweb(who: string, env: Record<string, string>, args: string[]) {
  const result = await runCli(args, env)
  const quoted = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ')
  transcript.push(
    `${who}$ syncweb ${quoted}\n${result.stdout}${result.stderr}(exit code ${result.code})`,
  )
  return result
}

/** A run of the CLI that must succeed; its output otherwise says why. */
function ok(result: CliResult): CliResult {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
  return result
}

/** The path of a status inside its space, from the URL `syncweb post` prints. */
const pathOfPostUrl = (url: string) => /\/@[a-z0-9-]+\/(.+)$/.exec(url.trim())![1]!

/** Sets "me" by hand, as the README says: a JSON edit of the config file. */
async function setMe(configFile: string, name: string) {
  const config = JSON.parse(await readFile(configFile, 'utf8'))
  config.me = name
  await writeFile(configFile, JSON.stringify(config, null, 2) + '\n')
}

describe.skipIf(!SYNCTHING)('the README walkthrough, on a machine with no config folder', () => {
  let dir: string
  // $HOME of each person: syncweb's config, state and cache, and their ~/Sync folders.
  let adaHome: string
  let boHome: string
  // Only HOME and PATH (runCli adds it): no XDG_*, no SYNCWEB_CONFIG.
  let adaEnv: Record<string, string>
  let boEnv: Record<string, string>
  let ada: Instance
  let bo: Instance
  let gateway: Awaited<ReturnType<typeof serveCli>>
  let adaConfig: string
  let boNotesInAda: string
  let boFirstPost: string
  let adaRef: string
  let before: Record<string, boolean>

  const asAda = (args: string[]) => syncweb('ada', adaEnv, args)
  const asBo = (args: string[]) => syncweb('bo', boEnv, args)
  const adaApi = () => ['--api', `http://127.0.0.1:${ada.gui}`, '--api-key', ada.key]
  const spaceNames = async () =>
    (await getJson(gateway.port, '/api/spaces')).body.map((s: { name: string }) => s.name)

  beforeAll(async () => {
    dir = await tempDir('syncweb-walk-')
    adaHome = join(dir, 'home-ada')
    boHome = join(dir, 'home-bo')
    await mkdir(adaHome)
    await mkdir(boHome)
    adaEnv = { HOME: adaHome }
    boEnv = { HOME: boHome }
    adaConfig = join(adaHome, '.config', 'syncweb', 'config.json')
    // "Assuming Syncthing already runs and shares folders with your friends": both run (their
    // own homes are elsewhere, as with a Syncthing that is not the user's default one) and know
    // each other's device.
    ada = await createInstance(join(dir, 'syncthing'), 'ada', { userHome: adaHome })
    bo = await createInstance(join(dir, 'syncthing'), 'bo', { userHome: boHome })
    await Promise.all([start(ada), start(bo)])
    await introduce(ada, bo)
    // Step 1 starts the gateway (`syncweb`, which means serve; on a free port rather than 4747,
    // which may be taken); a gateway started inside a test would be stopped at its end.
    before = Object.fromEntries(
      ['.config', '.local', '.cache'].map((f) => [f, existsSync(join(adaHome, f))]),
    )
    gateway = await serveCli([], adaEnv)
  }, 150_000)

  afterAll(async () => {
    if (process.env.SYNCWEB_TRANSCRIPT === '1') {
      const { stdout, stderr } = gateway?.output() ?? {}
      console.log(
        `${transcript.join('\n\n')}\n\nada's gateway, stdout:\n${stdout}\nstderr:\n${stderr}`,
      )
    }
    await stop(ada, bo)
  })

  it(
    '1. starts syncweb with no config at all: it serves the demo spaces',
    async () => {
      expect(before).toEqual({ '.config': false, '.local': false, '.cache': false })
      await vi.waitFor(
        () =>
          expect(gateway.output().stderr).toContain(
            `No config at ${adaConfig}: serving the demo spaces.`,
          ),
        { timeout: 20_000, interval: 50 },
      )
      expect(await spaceNames()).toEqual(['alice', 'bob', 'carol'])
      // The defaults, under this $HOME and nowhere else: the index and the running gateway's port.
      await vi.waitFor(
        () => {
          expect(existsSync(join(adaHome, '.cache', 'syncweb', 'index.db'))).toBe(true)
          expect(existsSync(join(adaHome, '.local', 'state', 'syncweb', 'gateway.json'))).toBe(true)
        },
        { timeout: 20_000, interval: 50 },
      )
    },
    STEP_TIMEOUT,
  )

  it(
    '2. a friend publishes in a folder shared with you; you accept it in your Syncthing',
    async () => {
      // Bo does what "Publish" says, on his own machine: a folder of his own, shared Send Only.
      const boFolder = join(boHome, 'Sync', 'me')
      await mkdir(boFolder, { recursive: true })
      await addFolder(bo, {
        id: 'bo-notes',
        label: "Bo's notes",
        path: boFolder,
        type: 'sendonly',
        with: [ada],
      })
      ok(await asBo(['follow', 'me', boFolder]))
      await setMe(join(boHome, '.config', 'syncweb', 'config.json'), 'me')
      const posted = ok(await asBo(['post', 'Tomatoes are ripe.']))
      boFirstPost = pathOfPostUrl(posted.stdout)

      // Ada accepts the folder Bo offers, where she keeps her synced folders.
      boNotesInAda = join(adaHome, 'Sync', 'bo')
      expect(await acceptFolder(ada, bo, 'bo-notes', boNotesInAda)).toBe("Bo's notes")
      await waitForPath(join(boNotesInAda, boFirstPost))
    },
    STEP_TIMEOUT,
  )

  it(
    '3. syncweb import syncthing follows it; the running gateway switches without a restart',
    async () => {
      // As the README says first: this Syncthing keeps its config.xml elsewhere, and the error
      // says where syncweb looked and what to give instead.
      const plain = await asAda(['import', 'syncthing'])
      expect(plain.code).toBe(2)
      expect(plain.stderr).toContain(
        `no Syncthing config.xml found at ${join(adaHome, '.local', 'state', 'syncthing', 'config.xml')} or ${join(adaHome, '.config', 'syncthing', 'config.xml')}`,
      )
      expect(plain.stderr).toContain('--api URL --api-key KEY')
      // Its config.xml named with --config, or its API: the same folder either way.
      const fromXml = ok(
        await asAda(['import', 'syncthing', '--config', join(ada.home, 'config.xml'), '--dry-run']),
      )
      expect(fromXml.stdout).toContain(`Would follow @bos-notes: ${boNotesInAda} ("Bo's notes")`)
      const dryRun = ok(await asAda(['import', 'syncthing', ...adaApi(), '--dry-run']))
      expect(dryRun.stdout).toContain(`Would follow @bos-notes: ${boNotesInAda} ("Bo's notes")`)
      expect(existsSync(adaConfig)).toBe(false)

      const asked = Date.now()
      const imported = ok(await asAda(['import', 'syncthing', ...adaApi()]))
      expect(imported.stdout).toContain(`Following @bos-notes: ${boNotesInAda} ("Bo's notes")`)
      expect(imported.stdout).toContain(`1 followed, 0 skipped (config: ${adaConfig})`)
      await vi.waitFor(async () => expect(await spaceNames()).toEqual(['bos-notes']), {
        timeout: 20_000,
        interval: 50,
      })
      console.log(`import → the gateway serves the new space: ${Date.now() - asked} ms`)
      expect(gateway.child.exitCode).toBe(null)
      expect(gateway.output().stderr).toContain(
        `Config appeared at ${adaConfig}: serving its 1 space instead of the demo spaces (@bos-notes)`,
      )
    },
    STEP_TIMEOUT,
  )

  it(
    "4. the friend's status is on the home page, /timeline.json and /timeline",
    async () => {
      await vi.waitFor(
        async () => {
          const { body } = await getJson(gateway.port, '/timeline.json')
          expect(body.items[0]).toMatchObject({
            content_text: 'Tomatoes are ripe.',
            _syncweb: { space: 'bos-notes', kind: 'status', path: boFirstPost },
          })
        },
        { timeout: SYNC_TIMEOUT, interval: 200 },
      )
      const home = await get(gateway.port, '/', { Accept: 'text/html' })
      expect(home.text).toContain('<a class="title" href="http://bos-notes.localhost:')
      expect(home.text).toContain('Bo&#39;s notes')
      const timeline = await get(gateway.port, '/timeline', { Accept: 'text/html' })
      expect(timeline.status).toBe(200)
      expect(timeline.text).toContain('Tomatoes are ripe.')
    },
    STEP_TIMEOUT,
  )

  it(
    '5. publish: your own folder, shared Send Only; syncweb post reaches the friend',
    async () => {
      const mine = join(adaHome, 'Sync', 'me')
      await mkdir(mine, { recursive: true })
      await addFolder(ada, {
        id: 'ada-notes',
        label: "Ada's notes",
        path: mine,
        type: 'sendonly',
        with: [bo],
      })
      const adaNotesInBo = join(boHome, 'Sync', 'ada')
      await acceptFolder(bo, ada, 'ada-notes', adaNotesInBo)

      const followed = ok(await asAda(['follow', 'me', mine]))
      expect(followed.stdout).toContain(
        `It is served at http://localhost:${gateway.port}/@me/ (config: ${adaConfig})`,
      )
      // The running gateway follows it, then (a hand edit, as a user makes it later) takes "me":
      // the timeline page gets its compose box.
      await vi.waitFor(
        () => expect(gateway.output().stderr).toContain('Config reloaded: following @me'),
        { timeout: 20_000, interval: 50 },
      )
      await setMe(adaConfig, 'me')
      await vi.waitFor(
        async () =>
          expect((await get(gateway.port, '/timeline', { Accept: 'text/html' })).text).toContain(
            'What’s new, @me?',
          ),
        { timeout: 20_000, interval: 100 },
      )
      const posted = ok(await asAda(['post', 'Hello, friends']))
      // The URL names the running gateway's port, not the default one.
      expect(posted.stdout).toMatch(
        new RegExp(`^http://localhost:${gateway.port}/@me/status/\\S+\\.json\\n$`),
      )
      const path = pathOfPostUrl(posted.stdout)
      adaRef = JSON.parse(await readFile(join(mine, path), 'utf8')).id
      expect(adaRef).toMatch(/^[0-9a-f]{32}$/)

      // Bo's Syncthing receives the file, and his syncweb shows it once he follows the folder.
      const sent = Date.now()
      await waitForPath(join(adaNotesInBo, path))
      console.log(`syncweb post → the file in the friend's folder: ${Date.now() - sent} ms`)
      const boImport = ok(
        await asBo([
          'import',
          'syncthing',
          '--api',
          `http://127.0.0.1:${bo.gui}`,
          '--api-key',
          bo.key,
        ]),
      )
      expect(boImport.stdout).toContain(`Following @adas-notes: ${adaNotesInBo}`)
      expect(boImport.stdout).toContain(`Skipped "Bo's notes": already followed as @me`)
      const boTimeline = JSON.parse(ok(await asBo(['timeline', '--json'])).stdout)
      expect(boTimeline.items[0]).toMatchObject({
        content_text: 'Hello, friends',
        _syncweb: { space: 'adas-notes', ref: adaRef },
      })
      // Ada's gateway shows her own post too.
      await vi.waitFor(
        async () => {
          const { body } = await getJson(gateway.port, '/timeline.json?space=me')
          expect(body.items.map((i: any) => i.content_text)).toEqual(['Hello, friends'])
        },
        { timeout: SYNC_TIMEOUT, interval: 200 },
      )
    },
    STEP_TIMEOUT,
  )

  it(
    "6. the friend's reply, by your post's ref, is in your notifications",
    async () => {
      ok(await asBo(['post', 'Hello, Ada!', '--reply-to', adaRef]))
      await vi.waitFor(
        async () => {
          const { body } = await getJson(gateway.port, '/timeline.json?to=me')
          expect(body.items[0]).toMatchObject({
            content_text: 'Hello, Ada!',
            _syncweb: { space: 'bos-notes', reply_to: adaRef, thread: adaRef },
          })
        },
        { timeout: SYNC_TIMEOUT, interval: 200 },
      )
      const notifications = await get(gateway.port, '/notifications', { Accept: 'text/html' })
      expect(notifications.status).toBe(200)
      expect(notifications.text).toContain('Hello, Ada!')
      expect(notifications.text).toContain('<span class="bell-count">1</span>')
    },
    STEP_TIMEOUT,
  )
})

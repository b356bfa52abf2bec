import { execFileSync } from 'node:child_process'
import { chmod, mkdir, readdir, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  BIN,
  get,
  getJson,
  runCli,
  serveCli,
  startGateway,
  tempDir,
  writeFiles,
} from './helpers.js'

// What the sync tool (or the user's disk) can do to a running gateway. In every case the
// server keeps running, keeps serving the other spaces, says what is wrong, and recovers by
// itself once the fault is gone.

const waitOpts = { timeout: 15_000, interval: 100 }
const STATUS = (text: string) => JSON.stringify({ text, date: '2026-04-01T00:00:00Z' })

async function summary(port: number, name: string) {
  return (await getJson(port, `/api/spaces/${name}`)).body
}

/** Waits for a space to be indexed again with `items` items. */
function expectReady(port: number, name: string, items: number) {
  return vi.waitFor(async () => {
    const s = await summary(port, name)
    expect(s.status).toBe('ready')
    expect(s.items).toBe(items)
  }, waitOpts)
}

describe('a space folder that goes wrong while served and watched', () => {
  let port: number
  let parent: string

  beforeAll(async () => {
    parent = await tempDir()
    await writeFiles(parent, {
      'steady/index.html': 'steady home',
      'moving/index.html': 'moving home',
      'moving/status/a.json': STATUS('moving item'),
    })
    const server = await startGateway([
      { name: 'steady', root: join(parent, 'steady') },
      { name: 'moving', root: join(parent, 'moving') },
    ])
    port = server.port
    await server.state.index.ready()
  })

  async function expectOffline(reason: string, { kept = true } = {}) {
    await vi.waitFor(
      async () => expect((await summary(port, 'moving')).online).toBe(false),
      waitOpts,
    )
    const res = await get(port, '/@moving/')
    expect(res.status).toBe(503)
    expect(res.text).toContain(`The folder of moving ${reason}`)
    expect((await summary(port, 'moving')).offline).toBe(`the folder ${reason}`)
    expect((await get(port, '/@steady/')).text).toBe('steady home')
    // Its items stay while the folder is away: a friend's disk unplugged, not their posts gone.
    const items = (await getJson(port, '/timeline.json?space=moving')).body.items
    if (kept) expect(items.map((i: any) => i.content_text)).toEqual(['moving item'])
  }

  async function expectBack() {
    await expectReady(port, 'moving', 1)
    expect((await get(port, '/@moving/')).text).toBe('moving home')
    expect((await getJson(port, '/timeline.json?space=moving')).body.items[0].content_text).toBe(
      'moving item',
    )
  }

  it('renamed away: offline, and back when renamed back', async () => {
    await rename(join(parent, 'moving'), join(parent, 'moved'))
    await expectOffline('is missing')
    await rename(join(parent, 'moved'), join(parent, 'moving'))
    await expectBack()
  })

  it('replaced by a file: offline, and back when it is a folder again', async () => {
    await rename(join(parent, 'moving'), join(parent, 'moved'))
    await writeFile(join(parent, 'moving'), 'not a folder')
    await expectOffline('is not a folder')
    await rm(join(parent, 'moving'))
    await rename(join(parent, 'moved'), join(parent, 'moving'))
    await expectBack()
  })

  it('deleted: offline, and back with new content when it is synced again', async () => {
    // Deleted file by file while watched: its items go with the files (that is a deletion).
    await rm(join(parent, 'moving'), { recursive: true })
    await expectOffline('is missing', { kept: false })
    await writeFiles(parent, {
      'moving/index.html': 'moving home',
      'moving/status/b.json': STATUS('moving item'),
    })
    await expectBack()
  })
})

describe('a space whose folder is a symlink, pointed elsewhere while served', () => {
  let port: number
  let parent: string

  beforeAll(async () => {
    parent = await tempDir()
    await writeFiles(parent, {
      'first/status/a.json': STATUS('from the first folder'),
      'second/status/b.json': STATUS('from the second folder'),
      'above/space/status/c.json': STATUS('from the folder above'),
    })
    await symlink(join(parent, 'first'), join(parent, 'link'))
    await symlink(join(parent, 'above/space'), join(parent, 'deep'))
    const server = await startGateway([
      { name: 'linked', root: join(parent, 'link') },
      { name: 'deep', root: join(parent, 'deep') },
    ])
    port = server.port
    await server.state.index.ready()
  })

  const texts = async (space: string) =>
    (await getJson(port, `/timeline.json?space=${space}`)).body.items.map(
      (i: any) => i.content_text,
    )

  it('pointed at another folder: that folder is indexed instead', async () => {
    expect(await texts('linked')).toEqual(['from the first folder'])
    await rm(join(parent, 'link'))
    await symlink(join(parent, 'second'), join(parent, 'link'))
    await vi.waitFor(
      async () => expect(await texts('linked')).toEqual(['from the second folder']),
      waitOpts,
    )
  })

  it('the same folder under a folder renamed above it: files landing there still arrive', async () => {
    // A stat of the folder sees nothing new (same inode, owner, mode): only the periodic full
    // check notices that its real path moved.
    await rename(join(parent, 'above'), join(parent, 'moved-above'))
    await rm(join(parent, 'deep'))
    await symlink(join(parent, 'moved-above/space'), join(parent, 'deep'))
    await writeFile(join(parent, 'moved-above/space/status/d.json'), STATUS('landed after'))
    await vi.waitFor(
      async () =>
        expect((await texts('deep')).sort()).toEqual(['from the folder above', 'landed after']),
      { timeout: 25_000, interval: 200 },
    )
    expect((await get(port, '/@deep/status/d.json')).status).toBe(200)
  }, 30_000)
})

describe('a file that changes during a ranged download', () => {
  let port: number
  let root: string
  const SIZE = 32 * 1024 * 1024

  beforeAll(async () => {
    root = await tempDir()
    const server = await startGateway([{ name: 'files', root }])
    port = server.port
  })

  /** Starts a ranged download and pauses it at its first bytes. */
  function startDownload(path: string, range: string) {
    const chunks: Buffer[] = []
    let paused: () => void
    const started = new Promise<void>((resolve) => (paused = resolve))
    let res: import('node:http').IncomingMessage
    const ended = new Promise<{ status: number; bytes: Buffer; complete: boolean }>(
      (resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, Range: range } },
          (r) => {
            res = r
            const done = () =>
              resolve({ status: r.statusCode!, bytes: Buffer.concat(chunks), complete: r.complete })
            r.on('data', (c: Buffer) => {
              if (chunks.push(c) === 1) {
                r.pause()
                paused()
              }
            })
            r.on('end', done)
            r.on('close', done)
            r.on('error', done)
          },
        )
        req.on('error', reject)
        req.end()
      },
    )
    return { ended, started, resume: () => res.resume() }
  }

  it('truncated: the download stops short, the server lives, the next request sees the new size', async () => {
    await writeFile(join(root, 'big.bin'), Buffer.alloc(SIZE, 7))
    const download = startDownload('/@files/big.bin', `bytes=1000-${SIZE - 1}`)
    await download.started
    await truncate(join(root, 'big.bin'), 1024)
    const resumed = performance.now()
    download.resume()
    const result = await download.ended
    expect(result.status).toBe(206)
    // Fewer bytes than announced, and the client can tell (the response is incomplete).
    expect(result.bytes.length).toBeLessThan(SIZE - 1000)
    expect(result.complete).toBe(false)
    // …at once, not when some timeout runs out
    expect(performance.now() - resumed).toBeLessThan(2000)
    const after = await get(port, '/@files/big.bin')
    expect(after.status).toBe(200)
    expect(after.body.length).toBe(1024)
  })

  it('replaced by a rename (as sync tools do): the download finishes with the old bytes, whole', async () => {
    await writeFile(join(root, 'swap.bin'), Buffer.alloc(SIZE, 1))
    const download = startDownload('/@files/swap.bin', `bytes=0-${SIZE - 1}`)
    await download.started
    await writeFile(join(root, '.swap.tmp'), Buffer.alloc(2048, 2))
    await rename(join(root, '.swap.tmp'), join(root, 'swap.bin'))
    download.resume()
    const result = await download.ended
    expect(result.complete).toBe(true)
    expect(result.bytes.length).toBe(SIZE)
    expect(result.bytes.every((b) => b === 1)).toBe(true)
    const after = await get(port, '/@files/swap.bin')
    expect(after.body).toEqual(Buffer.alloc(2048, 2))
  })
})

describe('parse workers that cannot start', () => {
  it('fail the files they were to read, with the reason, instead of being started forever', async () => {
    const home = await tempDir()
    const config = join(home, 'config.json')
    await writeFiles(home, {
      'pal/index.html': 'home page',
      'pal/status/a.json': STATUS('one'),
      'pal/status/b.json': STATUS('two'),
    })
    await writeFile(config, JSON.stringify({ spaces: { pal: { path: join(home, 'pal') } } }))
    // The gateway run from a string of code: its workers inherit --input-type, which a worker
    // loading a file refuses at start. (Before, they were started again and again, at full
    // CPU, and the first scan never ended.)
    const run = `process.argv.splice(1, 1); await import(${JSON.stringify(pathToFileURL(BIN).href)})`
    const prefix = [process.execPath, '--input-type=module', '-e', run]
    const server = await serveCli(['--config', config], { HOME: home }, prefix)
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
    expect(server.output().stderr).toMatch(
      /status\/a.json: was skipped: the parse workers cannot start/,
    )
    const pal = await summary(server.port, 'pal')
    expect(pal.problems.map((p: any) => p.reason)).toContain(
      'was skipped: the parse workers cannot start (--input-type can only be used with string input via --eval, --print, or STDIN)',
    )
    // Everything else is served as ever.
    expect((await get(server.port, '/@pal/')).text).toBe('home page')
  })
})

describe('the config file corrupted while running', () => {
  it('keeps the last good configuration, says so, and takes the next good one', async () => {
    const home = await tempDir()
    const config = join(home, 'config.json')
    await writeFiles(home, { 'one/index.html': 'one', 'two/index.html': 'two' })
    await writeFile(config, JSON.stringify({ spaces: { one: { path: join(home, 'one') } } }))
    const server = await serveCli(['--config', config], { HOME: home })
    for (const broken of ['{"spaces": {', '\0\0\0garbage', '{"spaces": {"BAD NAME": {}}}', '']) {
      const before = server.output().stderr.length
      await writeFile(config, broken)
      await vi
        .waitFor(
          () =>
            expect(server.output().stderr.slice(before)).toMatch(
              /keeping the last good configuration/,
            ),
          waitOpts,
        )
        .catch((error) => {
          console.log(JSON.stringify(broken), server.output().stderr)
          throw error
        })
      expect((await get(server.port, '/@one/')).text).toBe('one')
    }
    await writeFile(
      config,
      JSON.stringify({
        spaces: { one: { path: join(home, 'one') }, two: { path: join(home, 'two') } },
      }),
    )
    await vi.waitFor(
      async () => expect((await get(server.port, '/@two/')).text).toBe('two'),
      waitOpts,
    )
    expect(server.child.exitCode).toBeNull()
  })
})

// Needs root: mounting a small tmpfs is the honest way to make a disk full or read-only.
const canMount = (() => {
  try {
    return process.getuid?.() === 0 && execFileSync('id', ['-u']).toString().trim() === '0'
  } catch {
    return false
  }
})()

if (!canMount) {
  console.warn(
    'Disk-full, read-only and unreadable-folder cases skipped: they need root (mount, setpriv).',
  )
}

/** POST /api/posts as the timeline's compose box does. */
function postStatus(port: number, token: string, text: string) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/posts',
        method: 'POST',
        headers: {
          Host: `localhost:${port}`,
          Origin: `http://localhost:${port}`,
          'Sec-Fetch-Site': 'same-origin',
          'Content-Type': 'application/json',
          'X-Syncweb-Token': token,
        },
      },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify({ text }))
  })
}

/**
 * Runs `work` with a home folder whose cache folder is a tmpfs of `size` (a disk that fills
 * up), unmounted afterwards whatever happens.
 */
async function withSmallCache(size: string, work: (home: string, cache: string) => Promise<void>) {
  const home = await tempDir()
  const cache = join(home, 'cache')
  await mkdir(cache)
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', cache])
  try {
    await work(home, cache)
  } finally {
    execFileSync('umount', ['-l', cache])
  }
}

/** Stops a gateway of serveCli, once it is gone. */
async function stop(server: Awaited<ReturnType<typeof serveCli>>) {
  server.child.kill('SIGTERM')
  await new Promise((resolve) => server.child.once('exit', resolve))
}

describe.runIf(canMount)('posting when the disk of your space is full or read-only', () => {
  let mountpoint: string
  let env: Record<string, string>

  beforeAll(async () => {
    const home = await tempDir()
    mountpoint = join(home, 'me')
    await mkdir(mountpoint)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountpoint])
    await writeFiles(mountpoint, { 'index.html': 'me' })
    const config = join(home, 'config.json')
    await writeFile(config, JSON.stringify({ me: 'ada', spaces: { ada: { path: mountpoint } } }))
    env = { HOME: home, SYNCWEB_CONFIG: config }
  })

  afterAll(() => {
    execFileSync('umount', ['-l', mountpoint])
  })

  async function statusFiles(): Promise<string[]> {
    return (await readdir(mountpoint, { recursive: true }))
      .map(String)
      .filter((f) => /\.(json|tmp)$/.test(f))
  }

  it('full: a clear error, exit 1, nothing half-written and no temp file left', async () => {
    // Fill the disk to the last block.
    await writeFile(join(mountpoint, 'filler'), Buffer.alloc(60 * 1024)).catch(() => {})
    await writeFile(join(mountpoint, 'filler2'), Buffer.alloc(4096)).catch(() => {})
    const res = await runCli(['post', 'x'.repeat(9000)], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain(
      `could not write to your space's folder ${mountpoint}: the disk is full; free some space and post again. Nothing was written.`,
    )
    expect(res.stdout).toBe('')
    expect(await statusFiles()).toEqual([])
    // The compose box gets the same reason, as 507 Insufficient Storage.
    const server = await startGateway([{ name: 'ada', root: mountpoint }], { me: 'ada' })
    const api = await postStatus(server.port, server.state.token, 'x'.repeat(9000))
    expect(api.status).toBe(507)
    expect(api.body.error.message).toMatch(/the disk is full/)
    expect(await statusFiles()).toEqual([])
    await rm(join(mountpoint, 'filler'))
    await rm(join(mountpoint, 'filler2'), { force: true })
    const ok = await runCli(['post', 'room again'], env)
    expect(ok.code).toBe(0)
    expect((await statusFiles()).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('read-only: a clear error, exit 1, nothing written', async () => {
    const before = await statusFiles()
    execFileSync('mount', ['-o', 'remount,ro', mountpoint])
    try {
      const res = await runCli(['post', 'on a read-only disk'], env)
      expect(res.code).toBe(1)
      expect(res.stderr).toMatch(
        /could not write to your space's folder .*: it is on a read-only file system; remount it read-write/,
      )
      expect(await statusFiles()).toEqual(before)
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountpoint])
    }
  })
})

describe.runIf(canMount)('the index on a disk that fills up', () => {
  it('keeps serving, says so, and indexes the rest by itself once there is room', async () => {
    await withSmallCache('400k', async (home, cache) => {
      const files: Record<string, string> = {}
      for (let i = 0; i < 2000; i++) files[`pal/status/s${i}.json`] = STATUS(`hello number ${i}`)
      await writeFiles(home, files)
      const config = join(home, 'config.json')
      await writeFile(config, JSON.stringify({ spaces: { pal: { path: join(home, 'pal') } } }))
      const server = await serveCli(['--config', config, '--cache-dir', cache], { HOME: home })
      await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
      const said = server.output().stderr
      expect(said).toMatch(/index\.db cannot be written \(database or disk is full\)/)
      expect(said).toMatch(/search indexes could not be made \(database or disk is full\)/)
      const first = await summary(server.port, 'pal')
      expect(first.items).toBeGreaterThan(0)
      expect(first.items).toBeLessThan(2000)

      // Room again: the next scan (limits.rescanMs, 15 s) reads the files that have no record.
      execFileSync('mount', ['-o', 'remount,size=50m', 'tmpfs', cache])
      await vi.waitFor(async () => expect((await summary(server.port, 'pal')).items).toBe(2000), {
        timeout: 60_000,
        interval: 500,
      })
      expect(server.child.exitCode).toBeNull()
      await stop(server)
    })
  })

  it('full while it makes its indexes: serves the timeline, and makes them at the next start', async () => {
    // Room for the tables of these 2,000 statuses, not for their full-text index as well.
    await withSmallCache('2200k', async (home, cache) => {
      const files: Record<string, string> = {}
      const words =
        'with some words to index here and there, many words make the full-text index grow'
      for (let i = 0; i < 2000; i++) files[`pal/status/s${i}.json`] = STATUS(`hello ${i} ${words}`)
      await writeFiles(home, files)
      const config = join(home, 'config.json')
      await writeFile(config, JSON.stringify({ spaces: { pal: { path: join(home, 'pal') } } }))
      const args = ['--config', config, '--cache-dir', cache]
      const first = await serveCli(args, { HOME: home })
      await vi.waitFor(
        () => expect(first.output().stderr).toMatch(/^Indexed 2,000 items/m),
        waitOpts,
      )
      expect(first.output().stderr).toMatch(
        /search indexes could not be made \(database or disk is full\)/,
      )
      expect((await summary(first.port, 'pal')).items).toBe(2000)
      expect(first.child.exitCode).toBeNull()
      await stop(first)

      execFileSync('mount', ['-o', 'remount,size=50m', 'tmpfs', cache])
      const next = await serveCli(args, { HOME: home })
      await vi.waitFor(() => expect(next.output().stderr).toMatch(/^Indexed /m), waitOpts)
      expect(next.output().stderr).not.toMatch(/could not be made/)
      const hits = (await getJson(next.port, '/api/search?q=hello')).body.hits
      expect(hits.length).toBeGreaterThan(0)
      await stop(next)
    })
  })
})

describe.runIf(canMount)('a space unfollowed while the index is full', () => {
  it('is unfollowed with no config error, and leaves the timeline and search once there is room', async () => {
    await withSmallCache('3m', async (home, cache) => {
      const files: Record<string, string> = {}
      for (const name of ['pal', 'bob'])
        for (let i = 0; i < 300; i++)
          files[`${name}/status/s${i}.json`] = STATUS(`${name} says ${i}`)
      await writeFiles(home, files)
      const config = join(home, 'config.json')
      const follow = async (...names: string[]) => {
        const spaces = Object.fromEntries(names.map((n) => [n, { path: join(home, n) }]))
        await writeFile(`${config}.tmp`, JSON.stringify({ spaces }))
        await rename(`${config}.tmp`, config)
      }
      await follow('pal', 'bob')
      const args = ['--config', config, '--cache-dir', cache]
      // What the timeline and search still show of bob.
      const ofBob = async (port: number) => [
        (await getJson(port, '/timeline.json?q=bob')).body.items.length,
        (await getJson(port, '/api/search?q=bob')).body.hits.length,
      ]
      const first = await serveCli(args, { HOME: home })
      await vi.waitFor(() => expect(first.output().stderr).toMatch(/^Indexed 600 items/m), waitOpts)
      expect(await ofBob(first.port)).toEqual([50, 20])

      // The disk fills up, then bob is unfollowed: dropping bob's rows is a write it refuses.
      await writeFile(join(cache, 'filler'), Buffer.alloc(3 * 2 ** 20)).catch(() => {})
      await follow('pal')
      const said = () => first.output().stdout + first.output().stderr
      await vi.waitFor(() => expect(said()).toMatch(/unfollowed @bob/), waitOpts)
      expect(said()).toMatch(/index\.db cannot be written \(database or disk is full\)/)
      expect(said()).not.toMatch(/config error/i)
      expect(
        (await getJson(first.port, '/api/spaces')).body.map((s: { name: string }) => s.name),
      ).toEqual(['pal'])
      await stop(first)

      // Started again, still full, with bob's rows still in the index: no crash, and the count
      // is of the spaces it follows.
      const next = await serveCli(args, { HOME: home })
      await vi.waitFor(() => expect(next.output().stderr).toMatch(/^Indexed 300 items/m), waitOpts)
      expect(next.output().stderr).toMatch(/cannot be written \(database or disk is full\)/)
      // Room again: bob's rows go by themselves (tried again every limits.rescanMs, 15 s).
      expect((await ofBob(next.port))[0]).toBeGreaterThan(0)
      await rm(join(cache, 'filler'))
      await vi.waitFor(async () => expect(await ofBob(next.port)).toEqual([0, 0]), {
        timeout: 40_000,
        interval: 500,
      })
      expect(next.child.exitCode).toBeNull()
      await stop(next)
    })
  })
})

describe.runIf(canMount)('a space folder made unreadable', () => {
  // Root reads everything: the gateway runs as nobody here, as a user's gateway would.
  it('is reported, the others keep serving, and it recovers when readable again', async () => {
    const home = await tempDir()
    await chmod(home, 0o755)
    await writeFiles(home, {
      'open/index.html': 'open',
      'locked/index.html': 'locked',
      'locked/status/a.json': STATUS('locked item'),
    })
    const config = join(home, 'config.json')
    await writeFile(
      config,
      JSON.stringify({
        spaces: { open: { path: join(home, 'open') }, locked: { path: join(home, 'locked') } },
      }),
    )
    const server = await serveCli(['--config', config], { HOME: home }, [
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
    ])
    const { port } = server
    await vi.waitFor(async () => expect((await summary(port, 'locked')).items).toBe(1), waitOpts)
    await chmod(join(home, 'locked'), 0o000)
    try {
      await vi.waitFor(async () => {
        const s = await summary(port, 'locked')
        expect(s.online).toBe(false)
      }, waitOpts)
      const res = await get(port, '/@locked/')
      expect(res.status).toBe(503)
      expect(res.text).toContain('The folder of locked cannot be read (permission denied)')
      expect((await summary(port, 'locked')).offline).toBe(
        'the folder cannot be read (permission denied)',
      )
      expect((await get(port, '/@open/')).text).toBe('open')
    } finally {
      await chmod(join(home, 'locked'), 0o755)
    }
    await expectReady(port, 'locked', 1)
    expect((await get(port, '/@locked/')).text).toBe('locked')
    expect(server.child.exitCode).toBeNull()
  })
})

import { spawn, spawnSync } from 'node:child_process'
import { chmod, mkdir, open, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'libsql'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { get, getJson, runCli, serveCli, tempDir, writeFiles } from './helpers.js'
import { SCHEMA_VERSION } from '../src/index/store/schema.js'
import { TimelineIndex } from '../src/index/index.js'
import type { FillOptions } from '../src/index/store/fill-search.js'

// The on-disk index (issue 12): restarts that read only what changed, a cache that is damaged,
// old, foreign, read-only or already in use, and full-text search through the real server.

const waitOpts = { timeout: 20_000, interval: 50 }
const status = (text: string, date = '2026-05-01T10:00:00Z') => JSON.stringify({ text, date })

async function setup(files: Record<string, string>) {
  const home = await tempDir()
  await writeFiles(join(home, 'pal'), files)
  const config = join(home, 'config.json')
  await writeFile(config, JSON.stringify({ spaces: { pal: { path: join(home, 'pal') } } }))
  const cache = join(home, 'cache')
  const env = { HOME: home }
  const start = async (extra: string[] = []) => {
    const server = await serveCli(['--config', config, '--cache-dir', cache, ...extra], env)
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
    return server
  }
  const stop = async (
    server: Awaited<ReturnType<typeof serveCli>>,
    signal: NodeJS.Signals = 'SIGTERM',
  ) => {
    server.child.kill(signal)
    await new Promise((resolve) => server.child.once('exit', resolve))
  }
  return { home, config, cache, env, start, stop }
}

/** Every item's text, sorted, following the feed's pages. */
async function texts(port: number): Promise<string[]> {
  const all: string[] = []
  let path: string | undefined = '/timeline.json?limit=200'
  while (path) {
    const body: any = (await getJson(port, path)).body
    all.push(...body.items.map((i: any) => i.content_text))
    path = body.next_url
      ? new URL(body.next_url).pathname + new URL(body.next_url).search
      : undefined
  }
  return all.sort()
}

describe('a restart', () => {
  it('reads only the files that changed while it was down, and serves the whole timeline at once', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 300; i++) files[`status/${i}.json`] = status(`status ${i}`)
    const { home, start, stop } = await setup(files)
    const first = await start()
    expect(first.output().stderr).toMatch(/\(300 read, 0 unchanged/)
    await stop(first)

    // Changed, added and deleted while no gateway ran.
    await writeFile(join(home, 'pal/status/1.json'), status('status 1, edited'))
    await writeFile(join(home, 'pal/status/new.json'), status('a new one'))
    await rm(join(home, 'pal/status/2.json'))
    const second = await serveCli(
      ['--config', join(home, 'config.json'), '--cache-dir', join(home, 'cache')],
      { HOME: home },
    )
    // The index answers as soon as the gateway does, before its check of the folders is over.
    const early = (await getJson(second.port, '/api/spaces/pal')).body.items
    expect(early).toBeGreaterThanOrEqual(299)
    await vi.waitFor(() => expect(second.output().stderr).toMatch(/^Indexed /m), waitOpts)
    expect(second.output().stderr).toMatch(/\(2 read, 298 unchanged since last time/)
    const shown = await texts(second.port)
    expect(shown).toHaveLength(300)
    expect(shown).toContain('status 1, edited')
    expect(shown).toContain('a new one')
    expect(shown).not.toContain('status 2')
    expect(shown).not.toContain('status 1')
  })

  it('forgets a space unfollowed while it was down: its items, pages and search hits', async () => {
    const { home, config, start, stop } = await setup({ 'status/a.json': status('pal says hi') })
    await writeFiles(join(home, 'bob'), {
      'status/a.json': status('bob says hi'),
      'about.html': '<title>About bob</title><p>bob says more</p>',
    })
    const both = { pal: { path: join(home, 'pal') }, bob: { path: join(home, 'bob') } }
    await writeFile(config, JSON.stringify({ spaces: both }))
    const first = await start()
    expect(await texts(first.port)).toEqual(['bob says hi', 'pal says hi'])
    await stop(first)

    await writeFile(config, JSON.stringify({ spaces: { pal: both.pal } }))
    const again = await start()
    expect(await texts(again.port)).toEqual(['pal says hi'])
    const hits = (await getJson(again.port, '/api/search?q=says')).body.hits
    expect(hits.map((h: any) => h.space)).toEqual(['pal'])
    await stop(again)
  })

  it('keeps a space whose folder is missing at start, and catches up when it comes back', async () => {
    const { home, start, stop } = await setup({ 'status/a.json': status('kept while away') })
    await stop(await start())
    await rm(join(home, 'pal'), { recursive: true })
    const away = await start()
    const { body } = await getJson(away.port, '/api/spaces/pal')
    expect(body).toMatchObject({ online: false, items: 1 })
    expect(await texts(away.port)).toEqual(['kept while away'])
  })
})

describe('the cache file', () => {
  it('damaged past what a start reads: moved aside when found, the gateway stops, and the next start rebuilds it', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 300; i++) files[`status/s${i}.json`] = status(`hello number ${i}`)
    const { cache, start, stop } = await setup(files)
    await stop(await start())
    // A page of `docs` (item texts) overwritten: nothing a restart reads, a search does.
    const file = join(cache, 'index.db')
    const db = new Database(file)
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    const [page] = db
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'docs'")
      .raw()
      .get() as [number]
    const size = Number((db.prepare('PRAGMA page_size').raw().get() as [number])[0])
    db.close()
    const handle = await open(file, 'r+')
    await handle.write(Buffer.alloc(size, 0x5a), 0, size, (page - 1) * size)
    await handle.close()

    const damaged = await start()
    const exited = new Promise((resolve) => damaged.child.once('exit', resolve))
    const res = await getJson(damaged.port, '/api/search?q=hello')
    expect(res.status).toBe(503)
    expect(res.body.error.message).toBe('The index is damaged')
    expect(await exited).toBe(1)
    expect(damaged.output().stderr).toMatch(
      /syncweb: the index .*index\.db is damaged \(database disk image is malformed\): moved aside to .*index\.db\.corrupt-.*\. Start syncweb again: it builds a new index from the folders\./,
    )
    const next = await start()
    expect(next.output().stderr).toMatch(
      /^Indexed 300 items from 300 files .*\(300 read, 0 unchanged/m,
    )
    expect((await getJson(next.port, '/api/search?q=hello')).body.hits).toHaveLength(20)
    await stop(next)
  })

  it.each([
    [
      'damaged',
      async (file: string) => writeFile(file, 'this is not a database at all, not even close'),
      /is damaged .*moved aside/,
    ],
    [
      'of an old schema',
      async (file: string) => {
        const db = new Database(file)
        db.exec(
          'PRAGMA application_id = 1937205624; PRAGMA user_version = 99; CREATE TABLE old (x)',
        )
        db.close()
      },
      new RegExp(`schema version 99, not ${SCHEMA_VERSION}: moved aside`),
    ],
    [
      'of another program',
      async (file: string) => {
        const db = new Database(file)
        db.exec('CREATE TABLE theirs (x); INSERT INTO theirs VALUES (42)')
        db.close()
      },
      /is not an index of syncweb: moved aside/,
    ],
  ])('%s is moved aside with one line, and a new index built', async (_, spoil, said) => {
    const { cache, start } = await setup({ 'status/a.json': status('fresh') })
    await mkdir(cache, { recursive: true })
    await spoil(join(cache, 'index.db'))
    const server = await start()
    expect(server.output().stderr).toMatch(said)
    expect(await texts(server.port)).toEqual(['fresh'])
    expect(server.child.exitCode).toBeNull()
  })

  it('made before its indexes of skipped files and facts gets them, and keeps both', async () => {
    const { cache, start, stop } = await setup({
      'status/a.json': status('fresh'),
      'status/b.json': '{"text": ',
      'follows.json': JSON.stringify([{ name: 'ben', title: "Ben's blog" }]),
    })
    const skipped = async (port: number) => {
      const spaces: any = (await getJson(port, '/api/spaces')).body
      const pal = spaces.find((s: any) => s.name === 'pal')
      return {
        count: pal.problemCount,
        files: pal.problems.map((p: any) => p.file),
        follows: pal.follows.map((f: any) => f.title),
      }
    }
    const seen = { count: 1, files: ['status/b.json'], follows: ["Ben's blog"] }
    const first = await start()
    expect(await skipped(first.port)).toEqual(seen)
    await stop(first)
    const db = new Database(join(cache, 'index.db'))
    db.exec('DROP INDEX files_problems; DROP INDEX files_facts')
    db.close()

    const again = await start()
    // Read through the indexes made again at open (the queries name them): nothing re-read.
    expect(again.output().stderr).toMatch(/\(0 read, 3 unchanged/)
    expect(await skipped(again.port)).toEqual(seen)
    const home = await get(again.port, '/')
    expect(home.text).toContain('1 skipped file(s)')
    await stop(again)
    const reopened = new Database(join(cache, 'index.db'), { readonly: true })
    const names = reopened
      .prepare("SELECT name FROM sqlite_master WHERE name LIKE 'files_%'")
      .raw()
      .all()
      .flat()
    reopened.close()
    expect(names.sort()).toEqual(['files_facts', 'files_problems'])
  })
  it('that cannot be written gives an index in memory, with a warning', async () => {
    const { home, config } = await setup({ 'status/a.json': status('in memory') })
    await writeFile(join(home, 'a-file'), '')
    const server = await serveCli(
      ['--config', config, '--cache-dir', join(home, 'a-file', 'cache')],
      { HOME: home },
    )
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
    expect(server.output().stderr).toMatch(/keeping the index in memory/)
    expect(await texts(server.port)).toEqual(['in memory'])
  })

  it.runIf(process.getuid?.() === 0)(
    'in a read-only folder gives an index in memory too',
    async () => {
      const { home, config, cache } = await setup({ 'status/a.json': status('read-only') })
      await chmod(home, 0o755)
      await mkdir(cache, { recursive: true })
      await chmod(cache, 0o555)
      const server = await serveCli(['--config', config, '--cache-dir', cache], { HOME: home }, [
        'setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
      ])
      await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
      expect(server.output().stderr).toMatch(/keeping the index in memory/)
      expect(await texts(server.port)).toEqual(['read-only'])
    },
  )

  it('is kept by one gateway: a second says so and exits, and a killed one never blocks the next', async () => {
    const { config, cache, env, start, stop } = await setup({ 'status/a.json': status('one') })
    const first = await start()
    const second = await runCli(
      ['serve', '--port', '0', '--config', config, '--cache-dir', cache],
      env,
    )
    expect(second.code).toBe(1)
    expect(second.stderr).toMatch(
      /another syncweb gateway is using the index in .* \(pid \d+\); stop it/,
    )
    await stop(first, 'SIGKILL')
    const third = await start()
    expect(await texts(third.port)).toEqual(['one'])
    await stop(third)
    const rebuilt = await runCli(['reindex', '--config', config, '--cache-dir', cache], env)
    expect(rebuilt.code).toBe(0)
    expect(rebuilt.stderr).toMatch(/Indexed 1 item from 1 file /)
  })
})

describe('search', () => {
  let port: number
  let root: string

  beforeAll(async () => {
    const home = await tempDir()
    root = join(home, 'pal')
    const outside = join(home, 'outside')
    await writeFiles(outside, { 'secret.md': '# Outside\n\nzebrasecret outside the space' })
    await writeFiles(root, {
      'status/a.json': status('The café clock chimes at noon'),
      'status/b.json': status('Tomatoes ripen in the garden', '2026-05-02T10:00:00Z'),
      'posts/2026-05-03-kites.md':
        '---\ntitle: Kites over the river\n---\n\nWe flew kites over the river.\n',
      'about.html':
        '<html><head><title>About Pal</title></head><body><script>ignoredword</script><p>Pal builds <b>wooden</b> boats.</p></body></html>',
      'notes.txt': 'plain text notes about lanterns',
      // Never searchable: hidden, sync-internal, partial, or through a link out of the space.
      '.hidden.md': 'zebrasecret hidden',
      '.stversions/old.md': 'zebrasecret old version',
      'status/.syncthing.c.json.tmp': status('zebrasecret partial'),
      '~syncthing~d.tmp': 'zebrasecret partial',
      'e.md.!sync': 'zebrasecret resilio partial',
    })
    await symlink(join(outside, 'secret.md'), join(root, 'linked.md'))
    const config = join(home, 'config.json')
    await writeFile(config, JSON.stringify({ spaces: { pal: { path: root } } }))
    const server = await serveCli(['--config', config, '--cache-dir', join(home, 'cache')], {
      HOME: home,
    })
    port = server.port
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
  })

  const hits = async (q: string, extra = '') =>
    (await getJson(port, `/api/search?q=${encodeURIComponent(q)}${extra}`)).body

  it('finds items and pages, across case and accents, with every field of a hit', async () => {
    const { query, hits: found } = await hits('CAFE')
    expect(query).toBe('CAFE')
    const items = (await getJson(port, '/timeline.json?space=pal')).body.items as any[]
    const ref = items.find((i) => i._syncweb.path === 'status/a.json')._syncweb.ref
    expect(found).toEqual([
      {
        space: 'pal',
        path: 'status/a.json',
        // A status has no page of its own: its conversation, not its raw JSON.
        url: `http://127.0.0.1:${port}/timeline?thread=${encodeURIComponent(ref)}`,
        title: null,
        snippet: 'The <mark>café</mark> clock chimes at noon',
        kind: 'status',
      },
    ])
    expect((await hits('wooden')).hits.map((h: any) => [h.kind, h.title, h.path])).toEqual([
      ['page', 'About Pal', 'about.html'],
    ])
    expect((await hits('lantern*')).hits.map((h: any) => h.path)).toEqual(['notes.txt'])
    expect((await hits('"over the river"')).hits.map((h: any) => h.kind)).toEqual(['post'])
    expect((await hits('"river over"')).hits).toEqual([])
    expect((await hits('ignoredword')).hits).toEqual([])
  })

  it('never finds hidden files, sync partials, or a file through a link out of the space', async () => {
    expect((await hits('zebrasecret')).hits).toEqual([])
  })

  it('answers any query with results or a 400 that says why, never a 500', async () => {
    const queries = [
      '"unbalanced',
      'a" b "c',
      '(((',
      'NEAR(clock noon)',
      'clock AND OR NOT',
      'title:clock',
      'body:*',
      '*',
      '"',
      '""',
      '^clock',
      '-clock',
      'clock +noon',
      '\u0000',
      '🍅',
      'x'.repeat(10_000),
      Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '),
      '\\',
      "'; DROP TABLE items; --",
    ]
    for (const q of queries) {
      const res = await get(port, `/api/search?q=${encodeURIComponent(q)}`)
      expect([200, 400], q.slice(0, 40)).toContain(res.status)
      if (res.status === 400) expect(JSON.parse(res.text).error.message).toMatch(/^q: /)
      const page = await get(port, `/search?q=${encodeURIComponent(q)}`)
      expect([200, 400]).toContain(page.status)
      const feed = await get(port, `/timeline.json?q=${encodeURIComponent(q)}`)
      expect([200, 400]).toContain(feed.status)
    }
    expect((await get(port, '/api/search?q=clock&limit=0')).status).toBe(400)
    expect((await get(port, '/api/search?q=clock&cursor=nonsense')).status).toBe(400)
    expect((await get(port, '/api/search?q=clock&space=nobody')).status).toBe(400)
  })

  it('filters the timeline, its page and its Atom feed by q', async () => {
    const feed = (await getJson(port, '/timeline.json?q=tomatoes')).body
    expect(feed.items.map((i: any) => i.content_text)).toEqual(['Tomatoes ripen in the garden'])
    expect(feed.feed_url).toContain('q=tomatoes')
    expect((await get(port, '/timeline.xml?q=kites')).text).toContain('Kites over the river')
    expect((await get(port, '/timeline.xml?q=kites')).text).not.toContain('Tomatoes')
    expect((await get(port, '/timeline?q=tomatoes')).text).toContain('Tomatoes ripen')
  })

  it('is a page that works without JavaScript, and a box in the header of every page', async () => {
    const page = await get(port, '/search?q=kites')
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/<mark>kites<\/mark>/i)
    expect(page.text).toContain('href="http://127.0.0.1:')
    // An untitled status update is named as one, not by its file's path.
    const status = (await get(port, '/search?q=tomatoes')).text
    expect(status).toMatch(/class="hit-title"[^>]*>Status update</)
    expect(status).not.toContain('>status/b.json<')
    for (const path of ['/', '/timeline', '/search']) {
      expect((await get(port, path)).text).toMatch(/<form class="bar-search" action="\/search"/)
    }
  })

  it('finds a file within a second of it landing', async () => {
    const started = performance.now()
    await writeFile(join(root, 'status/fresh.json'), status('quokkas arrived'))
    await vi.waitFor(async () => expect((await hits('quokkas')).hits).toHaveLength(1), {
      timeout: 5000,
      interval: 20,
    })
    const took = performance.now() - started
    console.log(`search: a new file was found ${took.toFixed(0)} ms after it landed`)
    expect(took).toBeLessThan(1000)
  })
})

describe('search order', () => {
  let port: number
  let root: string
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString()

  beforeAll(async () => {
    const home = await tempDir()
    root = join(home, 'pal')
    // 10,050 twts with "clock": more matches than bm25 may weigh in one query; in the file in
    // an order that is not their dates' (a first build reads them in that order).
    // One in 16 says "owl" too (628: more than bm25 scores in one query, few enough to rank);
    // tick 40 three times.
    const owl = (i: number) => (i === 40 ? ' owl owl owl' : i % 16 === 8 ? ' owl' : '')
    const twts = Array.from({ length: 10_050 }, (_, i) => (i * 7919) % 10_050).map(
      (i) => `${day(-i / 100)}\tclock tick ${i}${owl(i)}`,
    )
    await writeFiles(root, {
      'twtxt.txt': twts.join('\n') + '\n',
      // "quasar": a title and a short text, an old date…
      'posts/2025-01-01-quasar.md': '---\ntitle: Quasar\n---\n\nA quasar, seen tonight.\n',
      // …against a long text naming it once, newer.
      'status/long.json': status(
        `${'Words about the sky and nothing else. '.repeat(40)}Then a quasar, once, and the clock.`,
        day(30),
      ),
      'status/ahead.json': status('quasar clock from a year ahead', day(400)),
      // A phrase late in the text, where a window of FTS5's 16 tokens ended inside it.
      'status/train.json': status(
        'night bread the chain frost chisel river light garden a sawdust coffee kite paper wax train station tomato night bread the chain frost chisel river',
        day(2),
      ),
    })
    // Another space, with one clock among the 10,051 of pal's, and a page.
    await writeFiles(join(home, 'bo'), {
      'status/old.json': status('a clock from bo', day(-300)),
      'notes.txt': 'the clock tower notes of bo',
    })
    const config = join(home, 'config.json')
    await writeFile(
      config,
      JSON.stringify({ spaces: { pal: { path: root }, bo: { path: join(home, 'bo') } } }),
    )
    const server = await serveCli(['--config', config, '--cache-dir', join(home, 'cache')], {
      HOME: home,
    })
    port = server.port
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
  })

  /** Every hit of a query, page by page through next_url. */
  async function all(q: string, limit = 100) {
    const found: any[] = []
    let path: string | undefined = `/api/search?q=${encodeURIComponent(q)}&limit=${limit}`
    while (path) {
      const body: any = (await getJson(port, path)).body
      found.push(...body.hits)
      path = body.next_url
        ? new URL(body.next_url).pathname + new URL(body.next_url).search
        : undefined
    }
    return found
  }

  it('ranks by relevance: a title and a short text before a word said once in a long one', async () => {
    const hits = (await getJson(port, '/api/search?q=quasar')).body.hits as any[]
    expect(hits.map((h) => h.path)).toEqual(['posts/2025-01-01-quasar.md', 'status/long.json'])
  })

  it('gives a word in more documents than it can rank newest first, every one once, page by page', async () => {
    const first = (await getJson(port, '/api/search?q=clock&limit=5&space=pal')).body
    expect(first.hits.map((h: any) => h.snippet)).toEqual([
      expect.stringContaining('Then a quasar, once, and the <mark>clock</mark>'),
      '<mark>clock</mark> tick 0',
      '<mark>clock</mark> tick 1',
      '<mark>clock</mark> tick 2',
      '<mark>clock</mark> tick 3',
    ])
    const found = (await all('clock', 100)).filter((h) => h.space === 'pal')
    expect(found).toHaveLength(10_051)
    const ticks = found.slice(1).map((h) => Number(/tick (\d+)/.exec(h.snippet)![1]))
    expect(ticks).toEqual(ticks.map((_, i) => i))
    // Held back (dated a year ahead), in either order.
    expect(found.some((h) => h.path === 'status/ahead.json')).toBe(false)
    expect((await all('quasar')).some((h) => h.path === 'status/ahead.json')).toBe(false)
  })

  it('never lets a cursor make it rank a word too common to rank', async () => {
    const cursor = (text: string) => Buffer.from(text).toString('base64url')
    const kind = (body: any) =>
      Buffer.from(new URL(body.next_url).searchParams.get('cursor')!, 'base64url').toString()[0]
    const first = (await getJson(port, '/api/search?q=clock&space=pal')).body
    expect(kind(first)).toBe('b')
    // A ranked cursor, crafted: the first page again, newest first.
    const crafted = (await getJson(port, `/api/search?q=clock&space=pal&cursor=${cursor('o20')}`))
      .body
    expect(crafted.hits).toEqual(first.hits)
    expect(kind(crafted)).toBe('b')
    // Where ranking is cheap, a ranked cursor is followed.
    expect(kind((await getJson(port, '/api/search?q=tick&space=pal&limit=1')).body)).toBe('b')
    const rare = (await getJson(port, `/api/search?q=quasar&limit=1`)).body
    expect(kind(rare)).toBe('o')
    const second = (await getJson(port, `/api/search?q=quasar&limit=1&cursor=${cursor('o1')}`)).body
    expect(second.hits.map((h: any) => h.path)).toEqual(['status/long.json'])
  })

  it('ranks the newest 300 matches of a word by relevance, then gives the older ones newest first', async () => {
    const cursor = (body: any) =>
      Buffer.from(new URL(body.next_url).searchParams.get('cursor')!, 'base64url').toString()
    const first = (await getJson(port, '/api/search?q=owl&limit=3')).body
    // Relevance first: tick 40 says it three times; then newer first among equals.
    expect(first.hits.map((h: any) => /tick (\d+)/.exec(h.snippet)![1])).toEqual(['40', '8', '24'])
    expect(cursor(first)).toBe('o3')
    const found = await all('owl', 100)
    const ticks = found.map((h) => Number(/tick (\d+)/.exec(h.snippet)![1]))
    expect(ticks).toHaveLength(628)
    expect(new Set(ticks).size).toBe(628)
    // After the 300 ranked, the rest newest first: ticks going up (older), none of the 300.
    const older = ticks.slice(300)
    expect(older).toEqual([...older].sort((a, b) => a - b))
    expect(Math.min(...older)).toBeGreaterThan(Math.max(...ticks.slice(0, 300)))
    const fifth = (await getJson(port, '/api/search?q=owl&limit=100')).body
    let page = fifth
    for (let i = 0; i < 4; i++)
      page = (await getJson(port, new URL(page.next_url).pathname + new URL(page.next_url).search))
        .body
    expect(cursor(page)[0]).toBe('b')
    // The page says which order it is in.
    const next = new URL(page.next_url).search
    expect((await get(port, `/search${next}`)).text).toMatch(
      /Older matches, the latest to arrive first: the first pages ranked the newest 300 by relevance/,
    )
    expect(first.order).toBe('relevance')
    expect((await getJson(port, `/api/search${next}`)).body.order).toBe('older')
  })

  it('shows the whole phrase in a snippet, however far into the text', async () => {
    const hits = (await getJson(port, '/api/search?q=%22train%20station%22')).body.hits as any[]
    expect(hits.map((h) => h.snippet)).toEqual([
      '…light garden a sawdust coffee kite paper wax <mark>train station</mark> tomato night bread the chain frost chisel river',
    ])
  })

  it('keeps the hits of the spaces asked for, in either order', async () => {
    const bo = await all('clock')
    expect(
      bo
        .filter((h) => h.space === 'bo')
        .map((h) => h.path)
        .sort(),
    ).toEqual(['notes.txt', 'status/old.json'])
    const only = async (q: string, space: string) =>
      (await getJson(port, `/api/search?q=${q}&space=${space}&limit=100`)).body
    // Newest first (clock is too common to rank): bo's two, though pal's are all newer.
    expect((await only('clock', 'bo')).hits.map((h: any) => h.path)).toEqual([
      'notes.txt',
      'status/old.json',
    ])
    expect((await only('clock', 'bo')).next_url).toBeUndefined()
    // Ranked (tower is rare).
    expect((await only('tower', 'bo')).hits.map((h: any) => h.path)).toEqual(['notes.txt'])
    expect((await only('tower', 'pal')).hits).toEqual([])
    const pal = await only('clock', 'pal')
    expect(pal.hits).toHaveLength(100)
    expect(pal.hits.every((h: any) => h.space === 'pal')).toBe(true)
    expect((await only('clock', 'pal,bo')).hits).toHaveLength(100)
    // The page says which order it is in.
    const newest = /too many documents to rank by relevance: the latest to arrive first/
    expect((await getJson(port, '/api/search?q=clock')).body.order).toBe('newest')
    expect((await get(port, '/search?q=clock')).text).toMatch(newest)
    expect((await get(port, '/search?q=quasar')).text).not.toMatch(newest)
    // The space's token is no word a query can find.
    expect((await only('s626f', 'bo')).hits).toEqual([])
    expect((await getJson(port, '/api/search?q=s626f')).body.hits).toEqual([])
  })

  it('still finds only documents with every word when one of them is that common', async () => {
    expect((await all('clock quasar')).map((h) => h.path)).toEqual(['status/long.json'])
    expect((await all('clock "tick 10049"')).map((h) => h.snippet)).toEqual([
      '<mark>clock</mark> <mark>tick 10049</mark>',
    ])
  })

  it('puts what arrives later first, though its date is older', async () => {
    await writeFile(
      join(root, 'status/late.json'),
      status('an old clock, synced just now', day(-900)),
    )
    await vi.waitFor(
      async () =>
        expect((await getJson(port, '/api/search?q=clock&limit=1')).body.hits[0].path).toBe(
          'status/late.json',
        ),
      { timeout: 5000, interval: 20 },
    )
  })
})

describe('search hits', () => {
  it('lead to one place once: an h-entry of a home page and the post it links to', async () => {
    const { start, stop } = await setup({
      'index.html':
        '<html><body><article class="h-entry"><h2><a class="p-name u-url" href="/posts/kites.html">Kites</a></h2><time class="dt-published" datetime="2026-05-01T10:00:00Z">May 1</time><p class="p-summary">Kites over the marsh.</p></article></body></html>',
      'posts/kites.html':
        '<html><head><title>Kites</title></head><body><p>Kites over the marsh, all afternoon.</p></body></html>',
    })
    const server = await start()
    const { hits } = (await getJson(server.port, '/api/search?q=marsh')).body
    // The post (once, though the h-entry leads there too), and the home page itself.
    expect(hits.map((h: any) => new URL(h.url).pathname).sort()).toEqual([
      '/@pal/index.html',
      '/@pal/posts/kites.html',
    ])
    await stop(server)
  })
})

describe('a first build', () => {
  it('counts an id two files claim once, as a restart does', async () => {
    const copied = (text: string) =>
      JSON.stringify({ id: 'copied', text, date: '2026-05-01T10:00:00Z' })
    const { start, stop } = await setup({
      'status/a.json': copied('first'),
      'status/b.json': copied('second'),
      'status/c.json': status('another'),
    })
    for (let run = 0; run < 2; run++) {
      const server = await start()
      expect(server.output().stderr).toMatch(/^Indexed 2 items from 3 files/m)
      expect((await getJson(server.port, '/api/spaces/pal')).body.items).toBe(2)
      await stop(server)
    }
  })

  it('gives an id two files claim to the other file once the first one goes', async () => {
    const copied = (text: string) =>
      JSON.stringify({ id: 'copied', text, date: '2026-05-01T10:00:00Z' })
    const { home, start, stop } = await setup({
      'status/a.json': copied('first claim'),
      'status/b.json': copied('second claim'),
    })
    const server = await start()
    const texts = async () =>
      ((await getJson(server.port, '/timeline.json')).body.items as any[]).map(
        (i) => i.content_text,
      )
    expect(await texts()).toEqual(['first claim'])
    const problems = (await getJson(server.port, '/api/spaces/pal')).body.problems
    expect(problems).toEqual([
      {
        file: 'status/b.json',
        reason:
          'some of its items are left out: another file of the space gives the same id, and the first file found keeps it',
      },
    ])
    // The first file goes while the gateway runs: the second one's item comes in.
    await rm(join(home, 'pal/status/a.json'))
    await vi.waitFor(async () => expect(await texts()).toEqual(['second claim']), waitOpts)
    // A third claims it while it runs: it waits its turn the same way.
    await writeFile(join(home, 'pal/status/c.json'), copied('third claim'))
    await vi.waitFor(async () => {
      const found = (await getJson(server.port, '/api/spaces/pal')).body.problems
      expect(found.map((p: any) => p.file)).toEqual(['status/c.json'])
    }, waitOpts)
    await rm(join(home, 'pal/status/b.json'))
    await vi.waitFor(async () => expect(await texts()).toEqual(['third claim']), waitOpts)
    await stop(server)
    const next = await start()
    expect(next.output().stderr).toMatch(/^Indexed 1 item from 1 file /m)
    await stop(next)
  })

  it('stopped before its indexes are made ends quietly', async () => {
    // A gateway closed between the end of its scans and the making of its indexes.
    const home = await tempDir()
    const index = new TimelineIndex(undefined, { cacheDir: join(home, 'cache') })
    index.close()
    await expect(index.store.finishBuild()).resolves.toBeUndefined()
    expect(index.store.built).toBe(false)
  })

  it('keeps the timeline in order from the start, so that its pages need not read every item', async () => {
    const home = await tempDir()
    const index = new TimelineIndex(undefined, { cacheDir: join(home, 'cache') })
    try {
      expect(index.store.built).toBe(false)
      const plan = index.store.db
        .prepare('EXPLAIN QUERY PLAN SELECT id FROM items ORDER BY shown DESC, id LIMIT 11')
        .raw()
        .all()
        .map((row) => String((row as unknown[]).at(-1)))
      expect(plan).toEqual(['SCAN items USING COVERING INDEX items_order'])
    } finally {
      index.close()
    }
  })

  describe('filling its search index a chunk a turn', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 10, minute)).toISOString()
    async function fortyMoments() {
      const root = await tempDir()
      const cacheDir = await tempDir()
      const files: Record<string, string> = {}
      for (let i = 0; i < 40; i++) files[`status/s${i}.json`] = status(`moment ${i}`, at(i))
      await writeFiles(root, files)
      const open = (fill?: FillOptions) => {
        const index = new TimelineIndex(undefined, { cacheDir, fill })
        index.setSpaces([{ name: 'pal', root }])
        return index
      }
      return { root, cacheDir, open }
    }
    /** What search holds, checked against the documents by FTS5 itself. */
    function searchable(index: TimelineIndex): string[] {
      const { db } = index.store
      db.exec("INSERT INTO search(search, rank) VALUES ('integrity-check', 1)")
      return (
        db
          .prepare(
            "SELECT docs.body FROM search JOIN docs ON docs.key = search.rowid WHERE search MATCH 'moment'",
          )
          .raw()
          .all() as string[][]
      )
        .map(([body]) => body!)
        .sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]))
    }
    const moments = (numbers: number[]) => numbers.map((n) => `moment ${n}`)
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i)

    it('keeps it whole as files come and go between chunks, and after', async () => {
      const { root, open } = await fortyMoments()
      let turns = 0
      const index = open({
        chunk: 10,
        between: async () => {
          if (++turns !== 3) return
          // Twenty are in: one of them goes, one not yet in goes, and a new one comes.
          await rm(join(root, 'status/s0.json'))
          await rm(join(root, 'status/s39.json'))
          await writeFiles(root, { 'status/s40.json': status('moment 40', at(40)) })
          await vi.waitFor(() => {
            expect(index.store.countOf('pal')).toBe(39)
            expect(index.store.countOf('pal', 'status/s40.json')).toBe(1)
          }, waitOpts)
        },
      })
      try {
        await index.ready()
        expect(turns).toBe(5)
        expect(index.store.built).toBe(true)
        expect(searchable(index)).toEqual(moments([...range(1, 38), 40]))
        // From now on the index's own triggers keep it whole.
        await rm(join(root, 'status/s1.json'))
        await writeFiles(root, { 'status/s41.json': status('moment 41', at(41)) })
        await vi.waitFor(() => expect(index.store.countOf('pal')).toBe(39), waitOpts)
        expect(searchable(index)).toEqual(moments([...range(2, 38), 40, 41]))
      } finally {
        index.close()
      }
    })

    it('cut short halfway (its gateway killed), starts again with the next one', async () => {
      const { root, cacheDir, open } = await fortyMoments()
      // A gateway of its own, killed when two chunks of ten are in.
      const script = join(await tempDir(), 'killed.mjs')
      await writeFile(
        script,
        `import { TimelineIndex } from ${JSON.stringify(new URL('../dist/index/index.js', import.meta.url).href)}
        let turns = 0
        const fill = { chunk: 10, between: async () => {
          if (++turns < 3) return
          console.log(index.store.db.prepare("SELECT key FROM meta").raw().all().flat().join())
          process.exit(0)
        } }
        const index = new TimelineIndex(undefined, { cacheDir: process.argv[2], fill })
        index.setSpaces([{ name: 'pal', root: process.argv[3] }])`,
      )
      const killed = spawnSync(process.execPath, [script, cacheDir, root], { timeout: 60_000 })
      expect(killed.status, String(killed.stderr)).toBe(0)
      // Not built, and half filled.
      expect(String(killed.stdout).trim()).toBe('filled')

      const next = open({ chunk: 10 })
      try {
        await next.ready()
        expect(next.store.built).toBe(true)
        expect(searchable(next)).toEqual(moments(range(0, 39)))
      } finally {
        next.close()
      }
    })
  })

  it('keeps the files that land in a folder after its walk read it', async () => {
    // A twtxt of 15,000 twts keeps the first scan busy while status/ fills up behind the walk.
    const twts = Array.from({ length: 15_000 }, (_, i) => `2026-05-01T10:00:00Z\tmoment ${i}`)
    const { home, config, cache, env } = await setup({
      'twtxt.txt': twts.join('\n') + '\n',
      'status/first.json': status('the first'),
    })
    const server = await serveCli(['--config', config, '--cache-dir', cache], env)
    for (let i = 0; i < 40; i++) {
      await writeFiles(join(home, 'pal'), { [`status/l${i}.json`]: status(`late ${i}`) })
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
    const late = async () =>
      (await getJson(server.port, '/timeline.json?limit=100&q=late')).body.items.length
    await vi.waitFor(async () => expect(await late()).toBe(40), { timeout: 10_000 })
    // And they stay: the scan, once over, does not forget them.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(await late()).toBe(40)
    server.child.kill('SIGTERM')
  })

  it('cut short after its indexes began goes on without giving a key twice', async () => {
    // Keys of a first build come from the date and a counter that starts at 0 with each run:
    // once the unique index of keys is made, a new one of a known millisecond must not be.
    const at = '2026-05-01T10:00:00Z'
    const twts = Array.from({ length: 3 }, (_, i) => `${at}\tsame moment ${i}`)
    const { cache, start, stop, home } = await setup({ 'twtxt.txt': twts.join('\n') + '\n' })
    await stop(await start())
    // As if the gateway was killed after making its indexes, before it wrote that it had.
    const db = new Database(join(cache, 'index.db'))
    db.exec("DELETE FROM meta WHERE key = 'built'")
    db.close()
    await writeFiles(join(home, 'pal'), { 'status/late.json': status('a late moment', at) })
    const server = await start()
    expect(server.output().stderr).not.toMatch(/UNIQUE|Error/)
    const found = (await getJson(server.port, '/api/search?q=moment&limit=100')).body.hits
    expect(found.map((h: any) => h.snippet).sort()).toEqual([
      'a late <mark>moment</mark>',
      'same <mark>moment</mark> 0',
      'same <mark>moment</mark> 1',
      'same <mark>moment</mark> 2',
    ])
    await stop(server)
  })

  it('keeps every document searchable when more than a thousand share one millisecond', async () => {
    // Keys of one millisecond come from a counter of 1,024: these 1,100 meet, and are moved.
    const twts = Array.from({ length: 1100 }, (_, i) => `2026-05-01T10:00:00Z\tsame moment ${i}`)
    const { start, stop } = await setup({ 'twtxt.txt': twts.join('\n') + '\n' })
    const server = await start()
    const seen = new Set<string>()
    let path: string | undefined = '/api/search?q=moment&limit=100'
    while (path) {
      const body: any = (await getJson(server.port, path)).body
      for (const hit of body.hits) seen.add(hit.snippet)
      path = body.next_url
        ? new URL(body.next_url).pathname + new URL(body.next_url).search
        : undefined
    }
    expect(seen.size).toBe(1100)
    expect(
      (await getJson(server.port, '/api/search?q=%22moment%201099%22')).body.hits,
    ).toHaveLength(1)
    await stop(server)
  })
})

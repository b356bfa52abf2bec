import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_LIMITS } from '../src/config/limits.js'
import { getJson, serveCli, startGateway, tempDir, writeFiles } from './helpers.js'

// limits.maxItemsPerSpace: a friend's space that floods the timeline keeps its newest items,
// whichever files a scan finds first, and says which files are left out.

const waitOpts = { timeout: 20_000, interval: 50 }
const LEFT_OUT =
  /left out of the timeline and search: the space keeps its newest 10 items \(limits\.maxItemsPerSpace\)/
const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12)).toISOString()
const status = (text: string, date: string) => JSON.stringify({ text, date })

/** Every item's text in the space, newest first. */
async function texts(port: number): Promise<string[]> {
  const { body } = await getJson(port, '/timeline.json?space=pal&limit=100')
  return body.items.map((i: any) => i.content_text)
}

const problems = async (port: number) =>
  (await getJson(port, '/api/spaces/pal')).body as {
    items: number
    problems: Array<{ file: string; reason: string }>
    problemCount: number
  }

describe('limits.maxItemsPerSpace', () => {
  it('keeps the newest items of one file that floods the timeline, and says so', async () => {
    const root = await tempDir()
    const lines = Array.from(
      { length: 300 },
      (_, i) =>
        `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z\tline ${i}`,
    )
    await writeFiles(root, {
      'twtxt.txt': lines.join('\n'),
      'status/a.json': status('status a', '2025-06-01T00:00:00Z'),
    })
    const server = await startGateway([{ name: 'pal', root }], {
      limits: { ...DEFAULT_LIMITS, maxItemsPerSpace: 100 },
    })
    await server.state.index.ready()
    const { body } = await getJson(server.port, '/api/spaces/pal')
    expect(body.items).toBe(100)
    const reasons = Object.fromEntries(body.problems.map((p: any) => [p.file, p.reason]))
    expect(reasons['twtxt.txt']).toMatch(
      /^200 of its 300 items are left out of the timeline and search: the space keeps its newest 100 items/,
    )
    expect(reasons['status/a.json']).toMatch(/^(some of its items are|its item is) left out/)
    const feed = await getJson(server.port, '/timeline.json?space=pal&limit=200')
    expect(feed.body.items).toHaveLength(100)
    // The newest lines, not the status of the year before nor the file's first lines.
    const shown = feed.body.items.map((i: any) => i.content_text)
    expect(shown).toContain('line 299')
    expect(shown).not.toContain('line 0')
    expect(shown).not.toContain('status a')
  })

  it('keeps the space’s newest items across its files; a newer file displaces the oldest, a deleted one makes room, a restart keeps the same', async () => {
    const home = await tempDir()
    const files: Record<string, string> = {}
    // Thirty statuses a day apart, under names that do not sort by date: a scan lists a
    // folder in no set order, and used to keep the first ten it happened to find.
    for (let d = 1; d <= 30; d++)
      files[`status/${(d * 7919) % 997}.json`] = status(`day ${d}`, day(d))
    await writeFiles(join(home, 'pal'), files)
    const config = join(home, 'config.json')
    await writeFile(
      config,
      JSON.stringify({
        spaces: { pal: { path: join(home, 'pal') } },
        limits: { maxItemsPerSpace: 10 },
      }),
    )
    const start = async () => {
      const args = ['--config', config, '--cache-dir', join(home, 'cache')]
      const server = await serveCli(args, { HOME: home })
      await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), waitOpts)
      return server
    }
    const newest = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `day ${to - i}`)
    const first = await start()
    expect(await texts(first.port)).toEqual(newest(21, 30))
    let summary = await problems(first.port)
    expect(summary.items).toBe(10)
    expect(summary.problemCount).toBe(20)
    expect(summary.problems.every((p) => LEFT_OUT.test(p.reason))).toBe(true)

    // A newer status displaces the oldest one shown; an older one is left out at once.
    await writeFile(join(home, 'pal/status/new.json'), status('day 40', day(40)))
    await vi.waitFor(
      async () => expect(await texts(first.port)).toEqual(['day 40', ...newest(22, 30)]),
      waitOpts,
    )
    await writeFile(join(home, 'pal/status/old.json'), status('day 0', day(0)))
    await vi.waitFor(async () => {
      const { problems: list } = await problems(first.port)
      expect(list.map((p) => p.file)).toContain('status/old.json')
    }, waitOpts)
    expect(await texts(first.port)).toEqual(['day 40', ...newest(22, 30)])

    // A status shown is deleted: the newest one left out takes its place.
    await rm(join(home, 'pal/status/new.json'))
    await vi.waitFor(async () => expect(await texts(first.port)).toEqual(newest(21, 30)), waitOpts)
    summary = await problems(first.port)
    expect(summary.items).toBe(10)
    expect(summary.problems.map((p) => p.file)).not.toContain(`status/${(21 * 7919) % 997}.json`)
    first.child.kill('SIGTERM')
    await new Promise((resolve) => first.child.once('exit', resolve))

    // A restart reads none of the files left out again…
    const second = await start()
    expect(second.output().stderr).toMatch(/\(0 read, 31 unchanged since last time/)
    expect(await texts(second.port)).toEqual(newest(21, 30))
    expect((await problems(second.port)).problemCount).toBe(21)
    second.child.kill('SIGTERM')
    await new Promise((resolve) => second.child.once('exit', resolve))

    // …until the limit is raised: then every item is in, and no file says it is left out.
    await writeFile(
      config,
      JSON.stringify({
        spaces: { pal: { path: join(home, 'pal') } },
        limits: { maxItemsPerSpace: 40 },
      }),
    )
    const third = await start()
    await vi.waitFor(async () => expect(await texts(third.port)).toHaveLength(31), waitOpts)
    expect(await texts(third.port)).toEqual([...newest(1, 30), 'day 0'])
    expect((await problems(third.port)).problemCount).toBe(0)
  }, 60_000)

  it('stays the newest as files change: an id given twice, lines dated ahead, an edit back in time, deletions at once', async () => {
    const root = await tempDir()
    const files: Record<string, string> = {}
    for (let d = 1; d <= 30; d++)
      files[`status/${(d * 7919) % 997}.json`] = status(`day ${d}`, day(d))
    await writeFiles(root, files)
    const server = await startGateway([{ name: 'pal', root }], {
      limits: { ...DEFAULT_LIMITS, maxItemsPerSpace: 10 },
    })
    await server.state.index.ready()
    const { port } = server
    const newest = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `day ${to - i}`)
    const settled = async (expected: string[]) => {
      await vi.waitFor(async () => expect(await texts(port)).toEqual(expected), waitOpts)
      // The count the API gives is the timeline's.
      expect((await problems(port)).items).toBe(expected.length)
    }
    await settled(newest(21, 30))

    // A feed of fifty entries that all give one id is one item: it displaces one, not all.
    const feed = (texts: string[]) =>
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'x',
        items: texts.map((text) => ({ id: 'same', content_text: text, date_published: day(35) })),
      })
    const fifty = Array.from({ length: 50 }, (_, i) => `same ${i}`)
    await writeFile(join(root, 'feed.json'), feed(fifty))
    await settled(['same 0', ...newest(22, 30)])
    await writeFile(join(root, 'feed.json'), feed(fifty.slice(1)))
    await settled(['same 1', ...newest(22, 30)])
    await rm(join(root, 'feed.json'))
    await settled(newest(21, 30))
    await writeFile(join(root, 'feed.json'), feed(fifty))
    await settled(['same 0', ...newest(22, 30)])
    await rm(join(root, 'feed.json'))
    await settled(newest(21, 30))

    // Lines dated in 2099 are held back: they take no room from what the timeline shows.
    const ahead = Array.from(
      { length: 10 },
      (_, i) => `2099-01-0${(i % 9) + 1}T00:00:0${i}Z\tlater ${i}`,
    )
    await writeFile(join(root, 'twtxt.txt'), ahead.join('\n'))
    await vi.waitFor(async () => {
      const { problems: list } = await problems(port)
      expect(list.map((p) => p.file)).toContain('twtxt.txt')
    }, waitOpts)
    await settled(newest(21, 30))
    await rm(join(root, 'twtxt.txt'))

    // The newest status edited back in time: day 20, left out, ranks above it now.
    await writeFile(join(root, `status/${(30 * 7919) % 997}.json`), status('day 30 moved', day(-5)))
    await settled(newest(20, 29))

    // Five statuses shown go in one command: the five newest left out come back.
    await Promise.all(
      [29, 28, 27, 26, 25].map((d) => rm(join(root, `status/${(d * 7919) % 997}.json`))),
    )
    await settled([...newest(20, 24), ...newest(15, 19)])
  }, 60_000)
})

import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../src/http/server/server.js'
import { getJson, postJson, startGateway, tempDir, writeFiles } from './helpers.js'

let server: RunningServer
let root: string

beforeAll(async () => {
  root = await tempDir()
  await writeFiles(join(root, 'ada'), {
    // No id: its ref is derived from its date and text.
    'status/old.json': JSON.stringify({ text: 'Old thought', date: '2026-11-20T10:00:00Z' }),
  })
  await writeFiles(join(root, 'bob'), {
    'status/b.json': JSON.stringify({ id: 'bob-1', text: 'Bob’s', date: '2026-11-20T11:00:00Z' }),
  })
  server = await startGateway(
    [
      { name: 'ada', root: join(root, 'ada') },
      { name: 'bob', root: join(root, 'bob') },
    ],
    { me: 'ada' },
  )
  await server.state.index.ready()
})

const items = async () => (await getJson(server.port, '/timeline.json')).body.items as any[]
const send = (path: string, body: object) => postJson(server.port, path, body, server.state.token)

describe('your own status updates', () => {
  it('are edited in place, keeping their ref, so that replies stay attached', async () => {
    const old = (await items()).find((i) => i.content_text === 'Old thought')
    const ref = old._syncweb.ref
    await writeFiles(join(root, 'bob'), {
      'status/reply.json': JSON.stringify({
        text: 'Agreed',
        reply_to: ref,
        date: '2026-11-20T12:00:00Z',
      }),
    })
    await vi.waitFor(async () => expect((await items()).length).toBe(3), { timeout: 10_000 })
    const res = await send('/api/posts/edit', { ref, text: 'A better thought' })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const file = JSON.parse(await readFile(join(root, 'ada', 'status', 'old.json'), 'utf8'))
    expect(file).toMatchObject({ id: ref, text: 'A better thought', updated: expect.any(String) })
    await vi.waitFor(
      async () => {
        const edited = (await items()).find((i) => i._syncweb.ref === ref)
        expect(edited?.content_text).toBe('A better thought')
        expect(edited?._syncweb.replies).toBe(1)
      },
      { timeout: 10_000 },
    )
  })

  it('are deleted, image and all, and leave the timeline', async () => {
    const posted = await send('/api/posts', { text: 'Short-lived' })
    expect(posted.status).toBe(201)
    await vi.waitFor(
      async () => expect((await items()).map((i) => i.content_text)).toContain('Short-lived'),
      {
        timeout: 10_000,
      },
    )
    const item = (await items()).find((i) => i.content_text === 'Short-lived')
    const res = await send('/api/posts/delete', { ref: item.url })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    await vi.waitFor(
      async () => expect((await items()).map((i) => i.content_text)).not.toContain('Short-lived'),
      { timeout: 10_000 },
    )
    const left = await readdir(join(root, 'ada', 'status'), { recursive: true })
    expect(left.map(String).filter((f) => f.includes('Short'))).toEqual([])
  })

  it('never reach into a friend’s folder', async () => {
    const res = await send('/api/posts/delete', { ref: 'bob-1' })
    expect(res.status).toBe(404)
    expect(res.body.error.message).toContain('none of your own status updates has the ref bob-1')
    expect(await readFile(join(root, 'bob', 'status', 'b.json'), 'utf8')).toContain('bob-1')
  })

  it('are never reached through a friend’s URL, even when the friend copied their ref', async () => {
    await writeFiles(join(root, 'ada'), {
      'status/mine.json': JSON.stringify({
        id: 'same',
        text: 'Mine',
        date: '2026-11-20T13:00:00Z',
      }),
    })
    await writeFiles(join(root, 'bob'), {
      'status/copy.json': JSON.stringify({
        id: 'same',
        text: 'Copy',
        date: '2026-11-20T14:00:00Z',
      }),
    })
    await vi.waitFor(
      async () => expect((await items()).map((i) => i.content_text)).toContain('Copy'),
      { timeout: 10_000 },
    )
    const url = `http://localhost:${server.port}/@bob/status/copy.json`
    for (const ref of [url, 'bob:same']) {
      const res = await send('/api/posts/delete', { ref })
      expect(res.status, ref).toBe(400)
      expect(res.body.error.message).toContain('that is a post of @bob')
    }
    expect(await readFile(join(root, 'ada', 'status', 'mine.json'), 'utf8')).toContain('Mine')
  })
})

// Paging a conversation (/timeline.json?thread=REF) while a friend deletes a reply.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../src/http/server/server.js'
import { getJson, startGateway, tempDir, writeFiles } from './helpers.js'

let server: RunningServer
let root: string
const status = (id: string, minute: number, reply_to?: string) =>
  JSON.stringify({
    id,
    text: id,
    date: `2026-11-20T10:0${minute}:00Z`,
    ...(reply_to ? { reply_to } : {}),
  })
const page = async (path: string) => {
  const { body } = await getJson(server.port, path.replace(/^https?:\/\/[^/]+/, ''))
  return { refs: (body.items as any[]).map((i) => i._syncweb.ref), next: body.next_url as string }
}

beforeAll(async () => {
  root = await tempDir()
  await writeFiles(join(root, 'bob'), {
    'status/root.json': status('root', 0),
    'status/r1.json': status('r1', 1, 'root'),
    'status/r2.json': status('r2', 2, 'root'),
    'status/r3.json': status('r3', 3, 'root'),
  })
  server = await startGateway([{ name: 'bob', root: join(root, 'bob') }])
  await server.state.index.ready()
})

describe('a conversation, page by page', () => {
  it('goes on after the reply a page ended on, even once that reply is deleted', async () => {
    const first = await page('/timeline.json?thread=root&limit=2')
    expect(first.refs).toEqual(['root', 'r1'])
    await rm(join(root, 'bob', 'status', 'r1.json'))
    await vi.waitFor(
      async () => expect((await page('/timeline.json?thread=root')).refs).not.toContain('r1'),
      { timeout: 10_000 },
    )
    const second = await page(first.next)
    expect(second.refs).toEqual(['r2', 'r3'])
  })
})

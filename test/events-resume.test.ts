import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningServer } from '../src/http/server/server.js'
import { getJson, openEvents, startGateway, tempDir, writeFiles, writeLikeSync } from './helpers.js'

let server: RunningServer
let root: string

beforeAll(async () => {
  root = await tempDir()
  await writeFiles(root, {
    'status/1.json': JSON.stringify({ text: 'first', date: '2026-11-20T10:00:00Z' }),
  })
  server = await startGateway([{ name: 'ada', root }])
  await server.state.index.ready()
})

const texts = async () =>
  (await getJson(server.port, '/timeline.json')).body.items.map((i: any) => i.content_text)

describe('/events ids and Last-Event-ID', () => {
  it('gives every change an id, and replays what a stream missed while it was away', async () => {
    const first = openEvents(server.port)
    await first.connected
    await vi.waitFor(() => expect(first.messages.some((m) => m.event === 'hello')).toBe(true))
    await writeLikeSync(
      join(root, 'status', '2.json'),
      JSON.stringify({ text: 'seen live', date: new Date().toISOString() }),
    )
    await vi.waitFor(() => expect(first.messages.some((m) => m.event === 'item')).toBe(true), {
      timeout: 10_000,
    })
    const live = first.messages.find((m) => m.event === 'item')!
    expect(live.id).toMatch(/^[0-9a-f]{8}-\d+$/)
    // The laptop sleeps: the stream is gone while a friend posts.
    first.close()
    await writeLikeSync(
      join(root, 'status', '3.json'),
      JSON.stringify({ text: 'missed while asleep', date: new Date().toISOString() }),
    )
    await vi.waitFor(() => expect(texts()).resolves.toContain('missed while asleep'), {
      timeout: 10_000,
    })
    const resumed = openEvents(server.port, '/events', { 'Last-Event-ID': live.id! })
    await resumed.connected
    await vi.waitFor(() =>
      expect(
        resumed.messages
          .filter((m) => m.event === 'item')
          .map((m) => JSON.parse(m.data).content_text),
      ).toEqual(['missed while asleep']),
    )
    expect(resumed.messages.some((m) => m.event === 'reset')).toBe(false)
  })

  it('says reset when the id is not one it can resume from (another launch, or too old)', async () => {
    for (const id of ['deadbeef-1', 'junk']) {
      const stream = openEvents(server.port, '/events', { 'Last-Event-ID': id })
      await stream.connected
      await vi.waitFor(() => expect(stream.messages.some((m) => m.event === 'reset')).toBe(true))
      stream.close()
    }
  })
})

import fc from 'fast-check'
import { rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeSpaces, SECRET } from './fixtures.js'
import { get, rawRequest, scaled, startGateway } from './helpers.js'

// Property-based: random paths built from the pieces traversal attacks are made of. Whatever
// the combination, nothing from outside alice's folder (nor hidden or partial files) comes back,
// and no request makes the gateway fail (5xx).

let port: number
let dirs: Awaited<ReturnType<typeof makeSpaces>>
const RUNS = scaled(300, 2000, 20_000)

beforeAll(async () => {
  dirs = await makeSpaces()
  port = (
    await startGateway([
      { name: 'alice', root: dirs.alice },
      { name: 'bob', root: dirs.bob },
    ])
  ).port
})

const FORBIDDEN = [SECRET, 'BOB-ONLY', 'GIT-SENTINEL', 'PARTIAL-SENTINEL', 'OLD-VERSION']

function expectSafe(path: string, res: { status: number; text: string }) {
  expect(res.status, path).toBeLessThan(500)
  expect(res.status, path).toBeGreaterThanOrEqual(200)
  for (const bytes of FORBIDDEN) expect(res.text, path).not.toContain(bytes)
}

// Pieces already percent-encoded where a raw form would not survive a request line.
const TRAVERSAL = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '%u002e%u002e',
  '%EF%BC%8E%EF%BC%8E', // full-width dots
  '..%00',
  '%00',
  '...',
  '....',
]
const SEPARATORS = ['/', '//', '%2f', '%2F', '%5c', '%5C', '%252f', '%EF%BC%8F', '%c0%af', '\\']
const NAMES = [
  'secret.txt',
  'alice-evil',
  'outside',
  'bob',
  'private.txt',
  'etc',
  'passwd',
  // alice's symlinks: to outside, into bob, to hidden files, loops, and inside
  'link-outside.txt',
  'relative-outside.txt',
  'dir-outside',
  'link-to-bob.txt',
  'link-to-git',
  'loop-a',
  'loop-b',
  'notes-link',
  'links',
  'outside-dir',
  'git',
  'loop',
  // hidden and partial files
  '.git',
  '%2egit',
  'config',
  '.stversions',
  'post~1.md',
  '.stignore',
  '.sync',
  'ID',
  '.syncthing.draft.md.tmp',
  '~syncthing~draft.md.tmp',
  'upload.!sync',
  'movie.SyncPart',
  // real files, in both Unicode normal forms
  'fünke.txt',
  'fu%CC%88nke.txt',
  'f%C3%BCnke.txt',
  'notes',
  'index.html',
  'style.css',
  'post',
  'post.md',
]

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRAVERSAL) },
  { weight: 5, arbitrary: fc.constantFrom(...NAMES) },
  // any Unicode, percent-encoded as a browser would
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent) },
  // any bytes, percent-encoded one by one (invalid UTF-8 included)
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 8 })
      .map((b) => [...b].map((x) => '%' + x.toString(16).padStart(2, '0')).join('')),
  },
)
const spacePath = fc
  .tuple(
    // mostly short paths, so that the names above are often reached exactly
    fc.array(fc.tuple(segment, fc.constantFrom(...SEPARATORS)), { maxLength: 6, size: 'xsmall' }),
    segment,
  )
  .map(([pairs, last]) => pairs.map(([s, sep]) => s + sep).join('') + last)
const suffix = fc.constantFrom('', '/', '?x=1', '?download', '%3f', '#frag', ';x', '.md', '.html')

describe('path fuzzer', () => {
  it(`never reads outside a space nor fails, under /@alice/ (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(spacePath, suffix, async (path, end) => {
        const target = `/@alice/${path}${end}`.replaceAll('\\', '%5C')
        expectSafe(target, await get(port, target))
      }),
      { numRuns: RUNS },
    )
  })

  it(`never reads outside a space nor fails, on alice.localhost (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(spacePath, suffix, async (path, end) => {
        const target = `/${path}${end}`.replaceAll('\\', '%5C')
        expectSafe(target, await get(port, target, { Host: `alice.localhost:${port}` }))
      }),
      { numRuns: RUNS },
    )
  })

  it(`survives raw bytes in the request line (${Math.ceil(RUNS / 3)} runs)`, async () => {
    // What node:http would refuse to send: backslashes, raw UTF-8, control characters.
    const raw = fc.tuple(spacePath, fc.string({ unit: 'binary', maxLength: 6 })).map(
      ([path, junk]) => path + junk.replace(/[\s\0]/g, ''), // CR, LF and spaces end the target
    )
    await fc.assert(
      fc.asyncProperty(raw, async (path) => {
        const request = `GET /@alice/${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`
        const res = await rawRequest(port, request)
        // 400 from Node's parser is a fine answer to bytes no browser sends
        expect(res.status, path).not.toBe(0)
        expectSafe(path, res)
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    )
  })

  it('never follows a symlink out of the space, whatever the layout', async () => {
    // Random chains of links inside alice's folder, each pointing at another link, a folder
    // above, bob's folder, or a file inside; then a request through the first link.
    const targets = (dir: string) => [
      join(dirs.parent, 'secret.txt'),
      '../secret.txt',
      '../../secret.txt',
      '..',
      dirs.parent,
      join(dirs.parent, 'outside'),
      dirs.bob,
      join(dirs.bob, 'private.txt'),
      join(dir, '.git'),
      'style.css',
      'notes',
    ]
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(
          '',
          '/secret.txt',
          '/private.txt',
          '/config',
          '/a.txt',
          '/outside/secret.txt',
        ),
        async (picks, tail) => {
          const names = picks.map(() => `fz-${n++}`)
          try {
            // The last link points at a target; each earlier one at the next link.
            const all = targets(dirs.alice)
            for (const [i, name] of names.entries()) {
              const target = names[i + 1] ?? all[picks[i]! % all.length]!
              await symlink(target, join(dirs.alice, name))
            }
            for (const host of [undefined, `alice.localhost:${port}`]) {
              const target = (host ? '/' : '/@alice/') + names[0] + tail
              expectSafe(target, await get(port, target, host ? { Host: host } : {}))
            }
          } finally {
            for (const name of names) await rm(join(dirs.alice, name), { force: true })
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 3) },
    )
  })
})

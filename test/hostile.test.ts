import { beforeAll, describe, expect, it } from 'vitest'
import { makeSpaces, SECRET } from './fixtures.js'
import { get, rawRequest, startGateway } from './helpers.js'

let port: number

beforeAll(async () => {
  const dirs = await makeSpaces()
  const server = await startGateway([
    { name: 'alice', root: dirs.alice },
    { name: 'bob', root: dirs.bob },
  ])
  port = server.port
})

// What must never come back, whatever the request: bytes from outside alice's folder, from
// bob's folder through alice, from hidden files, from sync partials.
const FORBIDDEN = [
  SECRET,
  'BOB-ONLY',
  'GIT-SENTINEL',
  'PARTIAL-SENTINEL',
  'OLD-VERSION',
  'STIGNORE',
  'RESILIO-SENTINEL',
]

function expectNothingLeaked(text: string) {
  for (const bytes of FORBIDDEN) expect(text).not.toContain(bytes)
}

// Each of these must get exactly the answer of any missing page: 404 (alice's own 404.html, or
// the gateway's when the request never reaches a space).
const PATHS: Array<[string, string]> = [
  ['dot-dot', '/@alice/../secret.txt'],
  ['dot-dot twice', '/@alice/../../secret.txt'],
  ['dot-dot with encoded slash', '/@alice/..%2fsecret.txt'],
  ['encoded dot-dot', '/@alice/%2e%2e/secret.txt'],
  ['encoded dot-dot and slash', '/@alice/%2e%2e%2fsecret.txt'],
  ['mixed-case encoding', '/@alice/%2E%2E%2Fsecret.txt'],
  ['encoded backslash', '/@alice/..%5csecret.txt'],
  ['double-encoded dot-dot', '/@alice/%252e%252e/secret.txt'],
  ['double-encoded slash', '/@alice/..%252fsecret.txt'],
  ['overlong UTF-8 slash', '/@alice/%c0%af..%c0%afsecret.txt'],
  ['overlong UTF-8 dot', '/@alice/%c0%ae%c0%ae/secret.txt'],
  ['%u encoding', '/@alice/%u002e%u002e/secret.txt'],
  ['full-width dots and slash', '/@alice/%EF%BC%8E%EF%BC%8E%EF%BC%8Fsecret.txt'],
  ['NUL byte', '/@alice/style.css%00.html'],
  ['NUL segment', '/@alice/%00/secret.txt'],
  ['encoded absolute path', '/@alice/%2fetc%2fpasswd'],
  ['double slash absolute path', '/@alice//etc/passwd'],
  ['sibling sharing the name prefix', '/@alice/../alice-evil/secret.txt'],
  ['sibling sharing the name prefix, encoded', '/@alice/%2e%2e/alice-evil/secret.txt'],
  ['sibling as a space name', '/@alice-evil/secret.txt'],
  ['file symlink to outside', '/@alice/link-outside.txt'],
  ['relative symlink to outside', '/@alice/relative-outside.txt'],
  ['folder symlink to outside', '/@alice/dir-outside/secret.txt'],
  ['symlink into another space', '/@alice/link-to-bob.txt'],
  ['symlink to a hidden file', '/@alice/link-to-git'],
  ['symlink loop', '/@alice/loop-a'],
  ['FIFO', '/@alice/pipe'],
  ['.git/config', '/@alice/.git/config'],
  ['encoded .git', '/@alice/%2egit/config'],
  ['.stversions folder', '/@alice/.stversions/'],
  ['.stversions file', '/@alice/.stversions/post~1.md'],
  ['.stfolder', '/@alice/.stfolder/marker'],
  ['.stignore', '/@alice/.stignore'],
  ['.sync folder', '/@alice/.sync/ID'],
  ['Syncthing partial (dot)', '/@alice/.syncthing.draft.md.tmp'],
  ['Syncthing partial (tilde)', '/@alice/~syncthing~draft.md.tmp'],
  ['Resilio partial', '/@alice/upload.!sync'],
  ['BitTorrent Sync partial', '/@alice/movie.SyncPart'],
  ['BitTorrent Sync temp', '/@alice/movie.SyncTemp'],
  ['clean URL onto a hidden file', '/@alice/.stignore'],
  ['overlong path', '/@alice/' + 'a/'.repeat(2000) + 'x'],
  ['overlong name', '/@alice/' + 'a'.repeat(300)],
  ['raw # in the request line', '/@alice/secret.txt#x'],
  ['other host in the path', '//evil.example/%2e%2e'],
  ['other host in a space path', '/@alice//evil.example/'],
]

describe('hostile requests', () => {
  it.each(PATHS)('%s: %s is a plain 404', async (_, path) => {
    const res = await get(port, path)
    expect(res.status).toBe(404)
    expectNothingLeaked(res.text)
    expect(res.headers.location).toBeUndefined()
  })

  it('answers hostile paths on the space origin the same way', async () => {
    for (const [, path] of PATHS.filter(([, p]) => p.startsWith('/@alice/'))) {
      const res = await get(port, path.slice('/@alice'.length), { Host: `alice.localhost:${port}` })
      expect(res.status, path).toBe(404)
      expectNothingLeaked(res.text)
    }
  })

  it('refuses a raw backslash in the path', async () => {
    const res = await rawRequest(
      port,
      `GET /@alice/..\\..\\secret.txt HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    )
    expect([400, 404]).toContain(res.status)
    expectNothingLeaked(res.text)
  })

  it('refuses a raw NUL in the path', async () => {
    const res = await rawRequest(
      port,
      `GET /@alice/style.css\0.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    )
    expect([400, 404]).toContain(res.status)
  })
})

describe('hosts (DNS rebinding)', () => {
  it.each([
    ['a foreign name', 'evil.example'],
    ['a foreign name with our port', 'evil.example:4747'],
    ['a space name under a foreign domain', 'alice.localhost.evil.example'],
    ['an unknown space', 'nobody.localhost'],
    ['a name with a path in it', 'localhost/x'],
    ['a name with credentials', 'user@localhost'],
  ])('refuses %s (%s) with 403', async (_, host) => {
    const res = await get(port, '/@alice/style.css', { Host: host })
    expect(res.status).toBe(403)
  })

  it('refuses an empty Host with 403', async () => {
    const res = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n')
    expect(res.status).toBe(403)
  })

  it('refuses a request without Host with 403', async () => {
    const res = await rawRequest(port, 'GET /@alice/style.css HTTP/1.0\r\n\r\n')
    expect(res.status).toBe(403)
  })

  it('refuses an absolute-form request target naming another host', async () => {
    const res = await rawRequest(
      port,
      `GET http://evil.example/@alice/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    )
    expect(res.status).toBe(400)
  })

  it.each(['localhost', '127.0.0.1', '[::1]', 'LOCALHOST', 'Alice.Localhost'])(
    'answers Host: %s',
    async (host) => {
      const res = await get(port, host.toLowerCase().startsWith('alice') ? '/style.css' : '/', {
        Host: `${host}:${port}`,
      })
      expect(res.status).toBe(200)
    },
  )
})

describe('absurd ranges', () => {
  it.each([
    ['bytes=99999999999999999999-', 416],
    ['bytes=-0', 416],
    ['bytes=500-100', 416],
    ['bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9', 206],
    ['bytes=0-1,500-501', 200],
    ['bytes=' + '1'.repeat(500) + '-', 416],
    ['items=0-10', 200],
    ['bytes=--1', 200],
    ['bytes=0-99999999999999999999', 206],
  ])('answers Range: %s with %i, never a 500', async (range, status) => {
    const res = await get(port, '/@alice/range.bin', { Range: range })
    expect(res.status).toBe(status)
  })
})

describe('redirects', () => {
  it('never sends a Location naming another host', async () => {
    for (const path of ['/@alice/notes', '/@alice', '/@alice/notes-link', '/@alice/notes?//evil']) {
      const res = await get(port, path)
      expect(res.status, path).toBe(302)
      expect(res.headers.location, path).toMatch(/^\/[^/\\]/)
    }
  })
})

import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeEach, onTestFinished } from 'vitest'
import { NO_MUTES, type Config, type SpaceSettings } from '../src/config/config.js'
import { DEFAULT_LIMITS } from '../src/config/limits.js'
import { startServer, type RunningServer } from '../src/http/server/server.js'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'syncweb.js')

/**
 * Runs `fn` when the current test ends, or after the file when called outside a test (from a
 * beforeAll): hooks registered inside a test body with afterAll never run.
 */
export function cleanup(fn: () => unknown) {
  // Neither onTestFinished's errors nor expect.getState() tell a beforeAll from a test reliably
  // (one hook silently never ran, leaving servers behind): track it ourselves.
  // An afterAll registered while a beforeAll runs is never run either, so those cleanups are
  // kept here and run by one afterAll registered when this module loads.
  if (inTest) onTestFinished(async () => void (await fn()))
  else afterFile.push(fn)
}

const afterFile: Array<() => unknown> = []
afterAll(async () => {
  for (const fn of afterFile.splice(0).reverse()) await fn()
})

let inTest = false
beforeEach(() => {
  inTest = true
})
afterEach(() => {
  inTest = false
})

/** A temp folder removed after the test file; its real path (macOS-style /tmp links resolved). */
export async function tempDir(prefix = 'syncweb-'): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)))
  cleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Writes `files` (relative path → content) under `dir`, creating folders. */
export async function writeFiles(dir: string, files: Record<string, string | Buffer>) {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, content)
  }
}

/** A running gateway on 127.0.0.1 and a free port, closed after the test file. */
export async function startGateway(
  spaces: SpaceSettings[],
  overrides: Partial<Config> = {},
  { stateDir }: { stateDir?: string } = {},
): Promise<RunningServer> {
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    allowedHosts: [],
    isolation: 'subdomain',
    limits: DEFAULT_LIMITS,
    mute: NO_MUTES,
    spaces,
    ...overrides,
  }
  const server = await startServer(config, {
    port: 0,
    host: config.host,
    ...(stateDir ? { stateDir } : {}),
  })
  cleanup(() => server.close())
  return server
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  text: string
}

/**
 * One HTTP request with exactly this path and these headers, through node:http (fetch would
 * normalise `..` and refuses to set `Host`). `Host` defaults to `127.0.0.1:PORT`.
 */
export function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString() })
        })
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/**
 * Sends bytes as they are (for requests node:http refuses to make) and returns the status. The
 * request must end the connection (`Connection: close` or HTTP/1.0): the socket is not
 * half-closed, since Node drops the pending response of a client that half-closes.
 */
export function rawRequest(port: number, text: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const response = Buffer.concat(chunks).toString('latin1')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), text: response })
    })
  })
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `syncweb ARGS` as a user would, with its own HOME so no real config is touched. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/**
 * Starts `syncweb serve --port 0` as a process and resolves once it prints its URL.
 * Killed after the test file. `prefix` runs it through another command (e.g. setpriv).
 */
export async function serveCli(args: string[], env: Record<string, string>, prefix: string[] = []) {
  const [command, ...rest] = [...prefix, process.execPath, BIN, 'serve', '--port', '0', ...args]
  const child = spawn(command!, rest, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanup(() => {
    child.kill('SIGTERM')
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout)
      if (match) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`syncweb exited with ${code}: ${stderr}`)))
  })
  return { child, port, output: () => ({ stdout, stderr }) }
}

export async function getJson<T = any>(
  port: number,
  path: string,
  headers: Record<string, string> = {},
) {
  const res = await get(port, path, { Accept: 'application/json', ...headers })
  return { status: res.status, headers: res.headers, body: JSON.parse(res.text) as T }
}

export interface EventMessage {
  event: string
  data: string
  id?: string
}

/** Subscribes to `/events` over a real socket and collects the messages as they come. */
export function openEvents(port: number, path = '/events', headers: Record<string, string> = {}) {
  const messages: EventMessage[] = []
  let raw = ''
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    headers: { Host: `127.0.0.1:${port}`, Accept: 'text/event-stream', ...headers },
  })
  const connected = new Promise<IncomingHttpHeaders>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        raw += chunk
        let end: number
        while ((end = raw.indexOf('\n\n')) !== -1) {
          const block = raw.slice(0, end)
          raw = raw.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n')
          const id = /^id: (.*)$/m.exec(block)?.[1]
          if (event) messages.push({ event, data, ...(id ? { id } : {}) })
        }
      })
      // The stream opens with a comment; the listener is registered by then.
      res.once('data', () => resolve(res.headers))
    })
    req.on('error', reject)
  })
  req.end()
  cleanup(() => req.destroy())
  return { messages, connected, close: () => req.destroy() }
}

/** Writes a file the way sync tools do: a hidden temp file in the same folder, then a rename. */
export async function writeLikeSync(path: string, content: string) {
  const { rename } = await import('node:fs/promises')
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.syncthing.${Math.random().toString(36).slice(2)}.tmp`)
  await writeFile(temp, content)
  await rename(temp, path)
}

/**
 * The size of the long cases (fuzz runs, file counts): quick by default, bounded when CI sets
 * SYNCWEB_LONG=ci, and the full sizes the issue names with SYNCWEB_LONG=full.
 */
export function scaled<T>(quick: T, ci: T, full: T): T {
  const long = process.env.SYNCWEB_LONG
  return !long ? quick : long === 'ci' ? ci : full
}

/**
 * A POST of JSON as the gateway's own page sends it (same origin, the page token); `headers`
 * override or, with undefined, remove any of those.
 */
export function postJson(
  port: number,
  path: string,
  body: unknown,
  token: string,
  headers: Record<string, string | undefined> = {},
): Promise<{ status: number; body: any }> {
  const all: Record<string, string | undefined> = {
    Host: `localhost:${port}`,
    'Content-Type': 'application/json',
    'Sec-Fetch-Site': 'same-origin',
    Origin: `http://localhost:${port}`,
    'X-Syncweb-Token': token,
    ...headers,
  }
  const sent = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined))
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'POST', headers: sent as Record<string, string> },
      (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }),
        )
      },
    )
    req.on('error', reject)
    req.end(typeof body === 'string' ? body : JSON.stringify(body))
  })
}

import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../atomic.js'

/**
 * What a running gateway says about itself in `gateway.json` of the state folder, for the CLI
 * on the same machine: where it listens (printed URLs name the real port) and its per-launch
 * token (commands such as `syncweb pair` act through it). Readable by the user only (0600).
 */
export interface RuntimeInfo {
  pid: number
  /** The port it listens on. */
  port: number
  /** The address it listens on. */
  host: string
  /** The gateway's own pages, on this machine: `http://localhost:PORT`. */
  url: string
  token: string
  started: string
}

const FILE = 'gateway.json'

export async function writeRuntime(dir: string, info: RuntimeInfo): Promise<void> {
  const { mkdir } = await import('node:fs/promises')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await writeFileAtomic(join(dir, FILE), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 })
}

/** The running gateway's info; undefined when none runs (a file left by a killed one is stale). */
export async function readRuntime(dir: string): Promise<RuntimeInfo | undefined> {
  let info: RuntimeInfo
  try {
    info = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as RuntimeInfo
  } catch {
    return undefined
  }
  if (!Number.isInteger(info.pid) || !Number.isInteger(info.port) || typeof info.token !== 'string')
    return undefined
  try {
    process.kill(info.pid, 0)
  } catch (error) {
    // EPERM: it runs, as another user; ESRCH: gone.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined
  }
  return info
}

/** Removes the file, if it is still this process's (a second gateway may have replaced it). */
export async function removeRuntime(dir: string, pid = process.pid): Promise<void> {
  try {
    const info = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as RuntimeInfo
    if (info.pid === pid) await rm(join(dir, FILE), { force: true })
  } catch {}
}

/**
 * The gateway's address for URLs the CLI prints: the running one's (it may have been started
 * with --port), else the port of the config.
 */
export async function gatewayOrigin(dir: string, configPort: number): Promise<string> {
  return `http://localhost:${(await readRuntime(dir))?.port ?? configPort}`
}

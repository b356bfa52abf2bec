// Real Syncthing instances (Debian's `syncthing`) for end-to-end tests: each with its own home,
// talking to the others over 127.0.0.1 only (discovery, relays, NAT and announcements off), as
// ../shared/SYNCTHING.md describes. Every wait ends on a condition, with limits that hold on a busy
// two-core machine.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { XMLBuilder, XMLParser } from 'fast-xml-parser'
import { expect, vi } from 'vitest'

function findSyncthing(): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v syncthing'], { encoding: 'utf8' }).trim() || undefined
    )
  } catch {
    return undefined
  }
}

/** The `syncthing` binary, or undefined (then `describe.skipIf(!SYNCTHING)`; CI must have it). */
export const SYNCTHING = findSyncthing()

/** Fails in CI, warns elsewhere, when syncthing is missing: call at the top of a test file. */
export function requireSyncthing(what: string) {
  if (SYNCTHING) return
  if (process.env.CI === 'true')
    throw new Error('syncthing is not installed, and CI must run this test (.ci/run installs it)')
  console.warn(`${what} skipped: syncthing not found (apt-get install syncthing)`)
}

/** A port nobody listens on now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

/** Patience on a busy machine: every wait below ends on its condition, or at this limit. */
export const SYNC_TIMEOUT = 60_000

export interface Instance {
  name: string
  /** Syncthing's own home (config.xml, keys, database). */
  home: string
  /** $HOME of the Syncthing process (where `~` in folder paths points). */
  userHome?: string
  id: string
  gui: number
  listen: number
  key: string
  process?: ChildProcess
  log: () => string
}

/**
 * A new Syncthing home in `dir/NAME`: device keys, and a config.xml with a GUI and API key on
 * 127.0.0.1 and a loopback-only network, written before the first start. `userHome` becomes the
 * process's $HOME.
 */
export async function createInstance(
  dir: string,
  name: string,
  { userHome }: { userHome?: string } = {},
): Promise<Instance> {
  const home = join(dir, name)
  execFileSync(
    SYNCTHING!,
    ['generate', '--home', home, '--no-default-folder', '--skip-port-probing'],
    { stdio: 'ignore', env: syncthingEnv(userHome) },
  )
  const id = execFileSync(SYNCTHING!, ['serve', '--home', home, '--device-id'], {
    encoding: 'utf8',
    env: syncthingEnv(userHome),
  }).trim()
  const instance: Instance = {
    name,
    home,
    ...(userHome ? { userHome } : {}),
    id,
    gui: await freePort(),
    listen: await freePort(),
    key: `key-${name}-${Date.now()}`,
    log: () => '',
  }
  const file = join(home, 'config.xml')
  const options = {
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    parseTagValue: false,
    // Syncthing wants enabled="true", not a bare attribute.
    suppressBooleanAttributes: false,
  }
  const xml = new XMLParser(options).parse(await readFile(file, 'utf8'))
  xml.configuration.gui.address = `127.0.0.1:${instance.gui}`
  xml.configuration.gui.apikey = instance.key
  Object.assign(xml.configuration.options, {
    listenAddress: `tcp://127.0.0.1:${instance.listen}`,
    globalAnnounceEnabled: 'false',
    localAnnounceEnabled: 'false',
    relaysEnabled: 'false',
    natEnabled: 'false',
    crashReportingEnabled: 'false',
    startBrowser: 'false',
    urAccepted: '-1',
    autoUpgradeIntervalH: '0',
  })
  await writeFile(file, new XMLBuilder(options).build(xml))
  return instance
}

function syncthingEnv(userHome: string | undefined): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(userHome ? { HOME: userHome } : {}),
    STHASHING: 'minio',
    STNODEFAULTFOLDER: '1',
  }
}

/** Starts the instance in its own process group, and resolves once its API answers. */
export async function start(instance: Instance) {
  instance.process = spawn(
    SYNCTHING!,
    ['serve', '--home', instance.home, '--no-browser', '--no-restart', '--no-upgrade'],
    {
      env: syncthingEnv(instance.userHome),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that stop() ends Syncthing and anything it started.
      detached: true,
    },
  )
  let log = ''
  instance.log = () => log
  instance.process.stdout!.on('data', (d) => (log = (log + d).slice(-20_000)))
  instance.process.stderr!.on('data', (d) => (log = (log + d).slice(-20_000)))
  await vi
    .waitFor(() => api(instance, 'GET', '/rest/system/ping'), { timeout: 30_000, interval: 100 })
    .catch((error) => {
      throw new Error(
        `Syncthing ${instance.name} never answered: ${error.message}\n${log.slice(-3000)}`,
      )
    })
}

/** Stops the instances (SIGTERM to each process group) and waits until every process is gone. */
export async function stop(...instances: Array<Instance | undefined>) {
  const pids = instances.map((i) => i?.process?.pid).filter((pid): pid is number => !!pid)
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGTERM')
    } catch {}
  }
  await vi.waitFor(
    () => {
      for (const pid of pids) expect(() => process.kill(-pid, 0)).toThrow()
    },
    { timeout: 15_000, interval: 100 },
  )
}

/** One call of Syncthing's REST API with the instance's key; the parsed JSON answer. */
export async function api(instance: Instance, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${instance.gui}${path}`, {
    method,
    headers: { 'X-API-Key': instance.key, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!res.ok)
    throw new Error(`${instance.name} ${method} ${path}: ${res.status} ${await res.text()}`)
  const text = await res.text()
  return text ? JSON.parse(text) : undefined
}

/**
 * What two people do first: each adds the other's device by its ID ("Add Remote Device"), here
 * with its loopback address. Resolves once they are connected.
 */
export async function introduce(a: Instance, b: Instance) {
  for (const [self, other] of [
    [a, b],
    [b, a],
  ] as const) {
    await api(self, 'POST', '/rest/config/devices', {
      deviceID: other.id,
      name: other.name,
      addresses: [`tcp://127.0.0.1:${other.listen}`],
    })
  }
  await vi.waitFor(
    async () => {
      const connections = await api(a, 'GET', '/rest/system/connections')
      expect(connections.connections[b.id]?.connected).toBe(true)
    },
    { timeout: SYNC_TIMEOUT, interval: 200 },
  )
}

export interface FolderSettings {
  id: string
  label: string
  path: string
  type: 'sendreceive' | 'sendonly' | 'receiveonly'
  /** The devices it is shared with, besides the instance itself. */
  with: Instance[]
}

/**
 * Adds a folder ("Add Folder"), from the instance's folder defaults, shared with `with`. Changes
 * are picked up by the file watcher one second after they happen (Syncthing's default is ten),
 * and no periodic rescan gets in the way.
 */
export async function addFolder(instance: Instance, folder: FolderSettings) {
  const defaults = await api(instance, 'GET', '/rest/config/defaults/folder')
  await api(instance, 'POST', '/rest/config/folders', {
    ...defaults,
    id: folder.id,
    label: folder.label,
    path: folder.path,
    type: folder.type,
    devices: [instance, ...folder.with].map((d) => ({ deviceID: d.id })),
    fsWatcherEnabled: true,
    fsWatcherDelayS: 1,
    rescanIntervalS: 3600,
  })
}

/**
 * Waits until `from` offers folder `id` to `instance` (Syncthing shows "wants to share folder"),
 * then accepts it into `path`, under the label it was offered with; returns that label.
 */
export async function acceptFolder(
  instance: Instance,
  from: Instance,
  id: string,
  path: string,
  type: FolderSettings['type'] = 'sendreceive',
): Promise<string> {
  const label = await vi.waitFor(
    async () => {
      const pending = await api(instance, 'GET', '/rest/cluster/pending/folders')
      const offer = pending?.[id]?.offeredBy?.[from.id]
      expect(offer, `${from.name} offers folder ${id} to ${instance.name}`).toBeDefined()
      return String(offer.label || id)
    },
    { timeout: SYNC_TIMEOUT, interval: 200 },
  )
  await addFolder(instance, { id, label, path, type, with: [from] })
  return label
}

/** Resolves once `path` exists (a file Syncthing delivered, or a folder it created). */
export async function waitForPath(path: string, timeout = SYNC_TIMEOUT) {
  await vi.waitFor(() => stat(path), { timeout, interval: 100 })
}

import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import {
  cacheHome,
  DEFAULT_PORT,
  demoConfig,
  findConfigFile,
  loadConfig,
  type Config,
} from '../config/config.js'
import { startServer } from '../http/server/server.js'
import { TimelineIndex } from '../index/index.js'
import { IndexBusy, isCorrupt, moveAside } from '../index/store/db.js'
import { stopOnDamagedIndex } from './damaged-index.js'
import { indexLimits } from '../index/indexer/limits.js'
import { reportIndexing } from './progress.js'
import { collectGarbage } from '../memory.js'
import { configVersion, watchConfig } from '../config/watch.js'
import { isLoopbackAddress } from '../http/server/request.js'
import { configWarnings, meSpaces } from '../config/me.js'
import { stateHome } from '../state/home.js'
import { removeRuntime, writeRuntime } from '../state/runtime.js'
import { realFolder } from '../spaces/folder.js'
import { UsageError } from '../usage-error.js'
import { invocation } from '../cli/invocation.js'

export interface ServeOptions {
  configFlag?: string
  /** Where the index is kept (`--cache-dir`). */
  cacheDir?: string
  port?: string
  host?: string
  open?: boolean
}

export async function serve(options: ServeOptions): Promise<number> {
  const file = findConfigFile(options.configFlag)
  const loadedVersion = configVersion(file)
  const loaded = await loadConfig(file)
  let config: Config = loaded ?? demoConfig()
  const port = options.port === undefined ? config.port : parsePort(options.port)
  const host = options.host ?? config.host
  config = { ...config, port, host }

  const cacheDir = options.cacheDir ? resolve(options.cacheDir) : (config.cacheDir ?? cacheHome())
  let index: TimelineIndex
  try {
    index = new TimelineIndex(indexLimits(config.limits), { cacheDir })
  } catch (error) {
    if (error instanceof IndexBusy) throw new Error(error.message)
    if (!isCorrupt(error)) throw error
    // Damaged past what opening it reads: aside, as openIndex does with a damaged header.
    const file = join(cacheDir, 'index.db')
    process.stderr.write(
      `syncweb: index: ${file} is damaged (${(error as Error).message}): moved aside to ${moveAside(file, 'corrupt')}, building a new index\n`,
    )
    index = new TimelineIndex(indexLimits(config.limits), { cacheDir })
  }
  const damaged = stopOnDamagedIndex(index.store.file)
  for (const note of index.notes) process.stderr.write(`syncweb: index: ${note}\n`)
  const indexedFrom = performance.now()
  let running
  try {
    running = await startServer(config, {
      port,
      host,
      index,
      stateDir: stateHome(),
      configFile: file,
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') {
      throw new Error(
        `port ${port} on ${host} is in use: stop the other server or pick another with --port N`,
      )
    }
    if (isCorrupt(error)) damaged(error)
    throw error
  }
  const url = `http://localhost:${running.port}/`
  process.stdout.write(
    `syncweb is serving ${spaces(config.spaces.length)} at ${url} (listening on ${running.url})\n`,
  )
  // All at once: one after the other, behind the first scan's turns, a thousand spaces took
  // seconds to list, and the progress lines below waited for them.
  const folders = await Promise.all(config.spaces.map((space) => realFolder(space.root)))
  for (const [i, space] of config.spaces.entries()) {
    const online = folders[i] !== undefined
    const line = `  @${space.name.padEnd(12)} ${online ? 'online ' : 'MISSING'} ${space.root}\n`
    ;(online ? process.stdout : process.stderr).write(line)
  }
  // Said once it listens: a port in use is the one thing to say otherwise.
  if (!loaded) {
    const cli = invocation()
    process.stderr.write(
      `No config at ${file}: serving the demo spaces.\n` +
        `Follow a real folder with: ${cli} follow NAME FOLDER, or every folder Syncthing shares with: ${cli} import syncthing (this gateway picks them up)\n`,
    )
  }
  if (!isLoopbackAddress(host) && host !== 'localhost') warnBeyondLoopback(config, running.port)
  const stateDir = stateHome()
  await writeRuntime(stateDir, {
    pid: process.pid,
    port: running.port,
    host,
    url: `http://localhost:${running.port}`,
    token: running.state.token,
    started: new Date().toISOString(),
  }).catch((error: Error) =>
    process.stderr.write(`syncweb: cannot write ${stateDir}/gateway.json (${error.message})\n`),
  )
  for (const warning of configWarnings(config)) process.stderr.write(`Warning: ${warning}\n`)
  reportIndexing(index, process.stderr, indexedFrom)
  compactAfterScans(index)
  // Follow and unfollow take effect at once: the spaces come from the file, the port and host
  // stay what this process listens on.
  const state = running.state
  // What the file said last: "limits", "host" and "port" changes are news once, though the
  // running state keeps the old values until a restart.
  let fromFile: Config | undefined = loaded
  const stopWatching = watchConfig(
    file,
    (next) => {
      const before = state.config
      const previous = fromFile ?? before
      fromFile = next
      state.configError = undefined
      // /settings applies its own writes at once (and says so): seeing that file again is no news.
      if (before.file !== undefined && sameConfig(before, next)) return
      state.apply(next)
      process.stderr.write(
        before.file === undefined
          ? `Config appeared at ${file}: serving its ${spaces(next.spaces.length)} instead of the demo spaces${spaceList(next)}\n`
          : `Config reloaded: ${describeChange(previous, next)}\n`,
      )
      for (const warning of configWarnings(next)) process.stderr.write(`Warning: ${warning}\n`)
    },
    (message, refused) => {
      process.stderr.write(`syncweb: config error: ${message}\n`)
      // Kept for /settings, which shows it with its line and column until a good reload.
      state.configError = {
        message,
        ...(refused ? { field: refused.field, rule: refused.rule } : {}),
        at: new Date().toISOString(),
      }
    },
    loadedVersion,
  )
  if (options.open) {
    spawn('xdg-open', [url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref()
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  // A second signal, or a shutdown that hangs on some handle, must still end the process.
  const force = () => process.exit(130)
  process.once('SIGINT', force).once('SIGTERM', force)
  setTimeout(force, 3000).unref()
  await stopWatching()
  await removeRuntime(stateDir)
  await running.close()
  process.stderr.write('syncweb stopped.\n')
  return 0
}

/** Listening beyond loopback is never an accident: say who can reach what, and how to pair. */
function warnBeyondLoopback(config: Config, port: number) {
  const hosts = config.allowedHosts.length
    ? config.allowedHosts.map((h) => `http://${h}:${port}/`).join(', ')
    : 'none (add the names devices use to "allowedHosts" in the config)'
  process.stderr.write(
    [
      `Listening on ${config.host}:${port}: other devices of your network can reach this gateway.`,
      `  They are answered at: ${hosts}`,
      '  Devices can read (pages, timeline, feeds, search) but not post or change anything.',
      '  To let one post and reply: run `syncweb pair` here, then open /pair on the device.',
      '  Settings, follows and mutes change only from this computer.',
      '',
    ].join('\n'),
  )
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535 (default ${DEFAULT_PORT})`)
  }
  return port
}

function spaceList(config: Config): string {
  return config.spaces.length ? ` (${config.spaces.map((s) => '@' + s.name).join(', ')})` : ''
}

/** The same settings, apart from what a running gateway keeps from its start (address, limits). */
function sameConfig(a: Config, b: Config): boolean {
  const settings = ({ port: _p, host: _h, ...rest }: Config) => JSON.stringify(rest)
  return settings(a) === settings(b)
}

function describeChange(before: Config, after: Config): string {
  const names = (c: Config) => new Set(c.spaces.map((s) => s.name))
  const added = [...names(after)].filter((n) => !names(before).has(n))
  const removed = [...names(before)].filter((n) => !names(after).has(n))
  const parts = [
    ...(added.length ? [`following ${added.map((n) => '@' + n).join(', ')}`] : []),
    ...(removed.length ? [`unfollowed ${removed.map((n) => '@' + n).join(', ')}`] : []),
  ]
  const differ = (key: keyof Config) => JSON.stringify(before[key]) !== JSON.stringify(after[key])
  if (differ('me')) {
    const mine = meSpaces(after)
    parts.push(mine.length ? `yours ("me"): ${mine.map((n) => '@' + n).join(', ')}` : 'no "me"')
  }
  if (differ('mute')) parts.push('mutes changed')
  const titled = (c: Config) => c.spaces.map((s) => [s.name, s.title ?? ''].join('\0')).join('\n')
  if (!added.length && !removed.length && titled(before) !== titled(after))
    parts.push('titles changed')
  if (differ('limits')) parts.push('"limits" changed: they take effect when syncweb restarts')
  for (const key of ['host', 'port', 'cacheDir'] as const)
    if (differ(key)) parts.push(`"${key}" changed: it takes effect when syncweb restarts`)
  return parts.join('; ') || 'nothing that changes what is served'
}

const spaces = (count: number) => (count === 1 ? '1 space' : `${count} spaces`)

/**
 * The garbage of a scan (the first one, or that of a space followed later), which an idle
 * gateway would keep for as long as it runs: collected, and the heap compacted, once no space
 * is being scanned any more.
 */
function compactAfterScans(index: TimelineIndex) {
  let scanning = true
  const collect = () => setTimeout(collectGarbage, 1000).unref()
  void index.ready().then(() => {
    scanning = false
    collect()
    index.on('space', () => {
      if (scanning === index.indexing) return
      scanning = index.indexing
      if (!scanning) collect()
    })
  })
}

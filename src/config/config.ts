import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../atomic.js'
import { DEFAULT_LIMITS, readLimits, type Limits } from './limits.js'
import { isValidName, NAME_RULE } from '../spaces/names.js'
import { NestingError, parseJson } from '../nesting.js'
import { jsonErrorAt, unknownKeys } from './json-errors.js'
import { NO_MUTES, readMute, type MuteSettings } from './mute.js'

export type Isolation = 'subdomain' | 'sandbox'

export interface SpaceSettings {
  readonly name: string
  /** Absolute folder path (relative paths in the file are relative to the file). */
  readonly root: string
  readonly title?: string
}

export interface Config {
  /** The file this came from; undefined when serving the bundled demo. */
  readonly file?: string
  readonly port: number
  readonly host: string
  /** The user's own spaces: one name, or a list (people/ meSpaces reads either). */
  readonly me?: string | readonly string[]
  readonly allowedHosts: readonly string[]
  readonly isolation: Isolation
  readonly spaces: readonly SpaceSettings[]
  readonly limits: Limits
  /** Where the index is kept (`cacheDir`, absolute); undefined: the default (cacheHome()). */
  readonly cacheDir?: string
  /** What the timeline, the feeds, notifications and /events leave out. */
  readonly mute: MuteSettings
  /** What is probably a mistake in the file (an unknown key), for the log and the settings. */
  readonly warnings?: readonly string[]
}

export { NO_MUTES, type MuteSettings } from './mute.js'

export const DEFAULT_PORT = 4747
export const DEFAULT_HOST = '127.0.0.1'

/** A config file that breaks a rule: names the file, the field and the rule (exit code 2). */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${file}: ${field}: ${rule}`)
    this.name = 'ConfigError'
  }
}

const byName = new WeakMap<Config, Map<string, SpaceSettings>>()

/** The followed space of that (normalised) name: one lookup, not a scan of the list. */
export function findSpace(config: Config, name: string | undefined): SpaceSettings | undefined {
  if (name === undefined) return undefined
  let spaces = byName.get(config)
  if (!spaces) byName.set(config, (spaces = new Map(config.spaces.map((s) => [s.name, s]))))
  return spaces.get(name)
}

/** `--config FILE`, else `$SYNCWEB_CONFIG`, else `$XDG_CONFIG_HOME/syncweb/config.json`. */
export function findConfigFile(flag: string | undefined, env = process.env): string {
  if (flag) return resolve(flag)
  if (env.SYNCWEB_CONFIG) return resolve(env.SYNCWEB_CONFIG)
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return join(base, 'syncweb', 'config.json')
}

/** Reads and validates a config file; undefined when it does not exist. */
export async function loadConfig(file: string): Promise<Config | undefined> {
  const raw = await readRaw(file)
  return raw === undefined ? undefined : validate(raw, file)
}

/** The bundled demo spaces, served when no config file exists. */
export function demoConfig(): Config {
  const examples = fileURLToPath(new URL('../../examples/', import.meta.url))
  const titles: Record<string, string> = {
    alice: "Alice's garden",
    bob: "Bob's workshop",
    carol: "Carol's log",
  }
  return Object.freeze({
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    allowedHosts: [],
    isolation: 'subdomain',
    limits: DEFAULT_LIMITS,
    mute: NO_MUTES,
    spaces: Object.entries(titles).map(([name, title]) => ({
      name,
      title,
      root: join(examples, name),
    })),
  })
}

type RawConfig = Record<string, unknown> & { spaces?: Record<string, Record<string, unknown>> }

/**
 * Reads the file, lets `change` edit its JSON, validates the result and writes it back atomically.
 * Unknown fields survive, so a newer syncweb's settings are not lost by an older CLI.
 */
export async function editConfig(file: string, change: (raw: RawConfig) => void): Promise<Config> {
  const raw = (await readRaw(file)) ?? {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, '(top level)', 'must be a JSON object')
  }
  change(raw as RawConfig)
  const config = validate(raw, file)
  await writeFileAtomic(file, JSON.stringify(raw, null, 2) + '\n')
  return config
}

async function readRaw(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError(file, '(file)', `cannot be read: ${(error as Error).message}`)
  }
  try {
    return parseJson(text, 'the config')
  } catch (error) {
    if (error instanceof NestingError) throw new ConfigError(file, '(file)', error.message)
    throw new ConfigError(file, '(file)', `is not valid JSON: ${jsonErrorAt(text)}`)
  }
}

function validate(raw: unknown, file: string): Config {
  const fail = (field: string, rule: string): never => {
    throw new ConfigError(file, field, rule)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('(top level)', 'must be a JSON object')
  }
  const o = raw as Record<string, unknown>

  const port = o.port ?? DEFAULT_PORT
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    fail('port', 'must be an integer from 0 to 65535')
  }
  const host = o.host ?? DEFAULT_HOST
  if (typeof host !== 'string' || host === '') fail('host', 'must be a non-empty string')

  const allowedHosts = o.allowedHosts ?? []
  if (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string' && h)) {
    fail('allowedHosts', 'must be an array of host names')
  }
  const isolation = o.isolation ?? 'subdomain'
  if (isolation !== 'subdomain' && isolation !== 'sandbox') {
    fail('isolation', 'must be "subdomain" or "sandbox"')
  }

  const limits = readLimits(o.limits)
  if ('rule' in limits) fail(limits.field, limits.rule)

  const cacheDir = o.cacheDir
  if (cacheDir !== undefined && (typeof cacheDir !== 'string' || cacheDir === '')) {
    fail('cacheDir', 'must be a folder, e.g. "~/.cache/syncweb"')
  }

  const rawSpaces = o.spaces ?? {}
  if (typeof rawSpaces !== 'object' || rawSpaces === null || Array.isArray(rawSpaces)) {
    fail('spaces', 'must be an object of NAME: {"path": FOLDER}')
  }
  const spaces: SpaceSettings[] = []
  for (const [name, value] of Object.entries(rawSpaces as Record<string, unknown>)) {
    const field = `spaces.${name}`
    if (!isValidName(name)) fail(field, NAME_RULE)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(field, 'must be an object with a "path"')
    }
    const { path, title } = value as Record<string, unknown>
    if (typeof path !== 'string' || path === '') fail(`${field}.path`, 'is required: the folder')
    if (title !== undefined && typeof title !== 'string') fail(`${field}.title`, 'must be a string')
    const root = isAbsolute(path as string)
      ? (path as string)
      : resolve(dirname(file), path as string)
    spaces.push(Object.freeze({ name, root, ...(title ? { title: title as string } : {}) }))
  }

  const mute = readMute(o.mute, fail)
  const me = o.me
  const names = typeof me === 'string' ? [me] : Array.isArray(me) ? me : undefined
  if (me !== undefined && (!names?.length || !names.every((n) => spaces.some((s) => s.name === n))))
    fail('me', 'must be the name of one of the spaces, or a list of them: your own spaces')

  return Object.freeze({
    file,
    port: port as number,
    host: host as string,
    ...(names ? { me: Object.freeze([...(names as string[])]) } : {}),
    allowedHosts: Object.freeze([...(allowedHosts as string[])].map((h) => h.toLowerCase())),
    isolation: isolation as Isolation,
    spaces: Object.freeze(spaces),
    limits: limits as Limits,
    mute,
    ...(unknownKeys(o).length ? { warnings: Object.freeze(unknownKeys(o)) } : {}),
    ...(cacheDir
      ? { cacheDir: expandHome(resolve(dirname(file), expandHome(cacheDir as string))) }
      : {}),
  })
}

/** `~/x` → the home folder's `x`, as a shell would. */
function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/')
    ? join(process.env.HOME || homedir(), path.slice(1))
    : path
}

/** `$XDG_CACHE_HOME/syncweb`, else `~/.cache/syncweb`: where the index lives by default. */
export function cacheHome(env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'syncweb')
}

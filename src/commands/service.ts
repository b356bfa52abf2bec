import { access, lstat, readFile, realpath, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeFileAtomic } from '../atomic.js'
import { findConfigFile } from '../config/config.js'
import { UsageError } from '../usage-error.js'

/** The variables that say where syncweb's files are, kept in the unit when they are set. */
const CARRIED = ['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME'] as const

const ENABLE = 'systemctl --user daemon-reload && systemctl --user enable --now syncweb'
const LOG = 'journalctl --user -u syncweb -f'
const DISABLE = 'systemctl --user disable --now syncweb'

/** `$XDG_CONFIG_HOME/systemd/user/syncweb.service`, where systemd looks for user units. */
export function unitPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return join(base, 'systemd', 'user', 'syncweb.service')
}

export interface UnitOptions {
  /** Absolute path of node. */
  node: string
  /** Absolute path of bin/syncweb.js. */
  script: string
  /** The config file, when one was given (`--config`, `$SYNCWEB_CONFIG`). */
  config?: string
  env?: Partial<Record<(typeof CARRIED)[number], string>>
}

/** The unit file: `syncweb serve` with this node and this install, restarted if it fails. */
export function unitText(options: UnitOptions): string {
  const command = [options.node, options.script, 'serve']
  if (options.config) command.push('--config', options.config)
  const environment = CARRIED.flatMap((key) => {
    const value = options.env?.[key]
    return value ? [`Environment=${quote(`${key}=${value}`, false)}`] : []
  })
  return [
    '# Written by `syncweb service install`; `syncweb service uninstall` removes it.',
    '[Unit]',
    "Description=syncweb: your friends' synced folders as websites and one timeline",
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${command.map((arg) => quote(arg, true)).join(' ')}`,
    ...environment,
    'Restart=on-failure',
    'RestartSec=5',
    // Exit code 2 is a bad config: a restart would not fix it, a person will.
    'RestartPreventExitStatus=2',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

/**
 * One word of a unit file: `%` is systemd's specifier sign and `$` (in ExecStart) its variable
 * sign, so both are doubled; a word with spaces, quotes or backslashes is double-quoted with
 * C-style escapes (systemd.service(5), "Command lines").
 */
function quote(word: string, command: boolean): string {
  let escaped = word.replace(/%/g, '%%')
  if (command) escaped = escaped.replace(/\$/g, '$$$$')
  if (/^[\w@+=:,./%$-]+$/.test(escaped)) return escaped
  const inner = escaped.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\t/g, '\\t')
  return `"${inner}"`
}

/** `syncweb service install|uninstall`. */
export async function service(action: string, configFlag?: string): Promise<number> {
  if (action === 'install') return install(configFlag)
  if (action === 'uninstall') return uninstall()
  throw new UsageError(
    `unknown action "${action}": use syncweb service install or syncweb service uninstall`,
  )
}

async function install(configFlag: string | undefined): Promise<number> {
  const file = unitPath()
  const given = configFlag ?? process.env.SYNCWEB_CONFIG
  const config = findConfigFile(configFlag)
  const script = await realpath(fileURLToPath(new URL('../../bin/syncweb.js', import.meta.url)))
  const env = Object.fromEntries(
    CARRIED.flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
  )
  const text = unitText({ node: process.execPath, script, ...(given ? { config } : {}), env })
  const before = await readFile(file, 'utf8').catch(() => undefined)
  await writeFileAtomic(file, text)
  const out = (line = '') => process.stdout.write(line + '\n')
  const execStart = /^ExecStart=(.*)$/m.exec(text)![1]
  out(`${before === undefined ? 'Wrote' : 'Rewrote'} ${file}, which runs:`)
  out(`  ${execStart}`)
  out()
  if (before !== undefined && before !== text) {
    out('Apply the change to a running service:')
    out('  systemctl --user daemon-reload && systemctl --user restart syncweb')
  } else {
    out('Start it now and at every login:')
    out(`  ${ENABLE}`)
  }
  out('See its log:')
  out(`  ${LOG}`)
  out('To keep it running while you are logged out: loginctl enable-linger')
  const exists = await access(config).then(
    () => true,
    () => false,
  )
  if (!exists) {
    out()
    out(`No config at ${config} yet:`)
    out('the service serves the demo spaces until you follow a folder')
    out('(syncweb follow NAME FOLDER), which it picks up by itself.')
  }
  return 0
}

async function uninstall(): Promise<number> {
  const file = unitPath()
  const wants = join(dirname(file), 'default.target.wants', 'syncweb.service')
  if (await lstat(wants).catch(() => undefined)) {
    // Without its unit file, systemctl could no longer disable it.
    throw new Error(
      `syncweb.service is enabled (${wants}): run ${DISABLE} first, then syncweb service uninstall again`,
    )
  }
  if (!(await lstat(file).catch(() => undefined))) {
    process.stdout.write(`No unit at ${file}: nothing to remove.\n`)
    return 0
  }
  await rm(file)
  process.stdout.write(
    `Removed ${file}.\nIf it still runs (started by hand): systemctl --user stop syncweb\n` +
      'Then let systemd forget it: systemctl --user daemon-reload\n',
  )
  return 0
}

import { spawnSync } from 'node:child_process'
import { mkdir, readFile, readdir, realpath, stat, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { unitText } from '../src/commands/service.js'
import { BIN, runCli, tempDir } from './helpers.js'

// `syncweb service` only writes and removes a file: no systemctl runs here (the machine may
// have no user systemd), so the tests read the unit it writes.

async function home() {
  const dir = await tempDir('syncweb-service-')
  return { dir, env: { HOME: join(dir, 'home') } as Record<string, string> }
}

/** systemd's own check of a unit file, where systemd is installed (it needs no running one). */
const analyze = spawnSync('systemd-analyze', ['--version']).status === 0

describe('syncweb service install', () => {
  it('writes ~/.config/systemd/user/syncweb.service that runs serve with this node and this install', async () => {
    const { dir, env } = await home()
    const res = await runCli(['service', 'install'], env)
    expect(res.code).toBe(0)
    const file = join(dir, 'home', '.config', 'systemd', 'user', 'syncweb.service')
    const unit = await readFile(file, 'utf8')
    const script = await realpath(BIN)
    expect(unit).toContain(`\nExecStart=${process.execPath} ${script} serve\n`)
    expect(unit).toMatch(/^\[Service\][^[]*\nRestart=on-failure\n/m)
    expect(unit).toContain('\nRestartPreventExitStatus=2\n')
    expect(unit).toContain('\n[Install]\nWantedBy=default.target\n')
    expect(unit).not.toContain('Environment=')
    expect((await stat(file)).mode & 0o777).toBe(0o644)
    // Atomically: no temp file left beside it.
    expect(await readdir(join(dir, 'home', '.config', 'systemd', 'user'))).toEqual([
      'syncweb.service',
    ])
    expect(res.stdout).toContain(`Wrote ${file}`)
    expect(res.stdout).toContain(
      'systemctl --user daemon-reload && systemctl --user enable --now syncweb',
    )
    expect(res.stdout).toContain('journalctl --user -u syncweb -f')
    expect(res.stdout).toContain('serves the demo spaces until')
  })

  it('honours $XDG_CONFIG_HOME, keeps the XDG folders and passes --config', async () => {
    const { dir, env } = await home()
    env.XDG_CONFIG_HOME = join(dir, 'xdg config')
    env.XDG_CACHE_HOME = join(dir, 'cache')
    const config = join(dir, 'my config', '100%.json')
    const res = await runCli(['service', 'install', '--config', config], env)
    expect(res.code).toBe(0)
    const unit = await readFile(
      join(dir, 'xdg config', 'systemd', 'user', 'syncweb.service'),
      'utf8',
    )
    // systemd: a word with a space is quoted, % is doubled.
    expect(unit).toContain(`serve --config "${join(dir, 'my config', '100%%.json')}"\n`)
    expect(unit).toContain(`\nEnvironment="XDG_CONFIG_HOME=${join(dir, 'xdg config')}"\n`)
    expect(unit).toContain(`\nEnvironment=XDG_CACHE_HOME=${join(dir, 'cache')}\n`)
  })

  it.runIf(analyze)(
    'writes a unit that systemd-analyze verify accepts, quotes and all',
    async () => {
      const { dir, env } = await home()
      const config = join(dir, 'my config', '100%.json')
      expect((await runCli(['service', 'install', '--config', config], env)).code).toBe(0)
      const file = join(dir, 'home', '.config', 'systemd', 'user', 'syncweb.service')
      const verify = spawnSync('systemd-analyze', ['verify', file], {
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(verify.stderr).toBe('')
      expect(verify.status).toBe(0)
    },
  )

  it('takes $SYNCWEB_CONFIG as the config given', async () => {
    const { dir, env } = await home()
    env.SYNCWEB_CONFIG = join(dir, 'env.json')
    expect((await runCli(['service', 'install'], env)).code).toBe(0)
    const unit = await readFile(
      join(dir, 'home', '.config', 'systemd', 'user', 'syncweb.service'),
      'utf8',
    )
    expect(unit).toContain(` serve --config ${join(dir, 'env.json')}\n`)
  })

  it('quotes what systemd would otherwise read as specifiers, variables or separators', () => {
    const unit = unitText({ node: '/opt/node 20/bin/node', script: '/s/$HOME/a"b\\c.js' })
    expect(unit).toContain('ExecStart="/opt/node 20/bin/node" "/s/$$HOME/a\\"b\\\\c.js" serve\n')
  })

  it('says to restart when it rewrites a changed unit', async () => {
    const { dir, env } = await home()
    expect((await runCli(['service', 'install'], env)).code).toBe(0)
    const res = await runCli(['service', 'install', '--config', join(dir, 'c.json')], env)
    expect(res.stdout).toContain('Rewrote')
    expect(res.stdout).toContain(
      'systemctl --user daemon-reload && systemctl --user restart syncweb',
    )
  })
})

describe('syncweb service uninstall', () => {
  it('removes the unit, and says so when there is none', async () => {
    const { dir, env } = await home()
    await runCli(['service', 'install'], env)
    const res = await runCli(['service', 'uninstall'], env)
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('Removed')
    expect(await readdir(join(dir, 'home', '.config', 'systemd', 'user'))).toEqual([])
    const again = await runCli(['service', 'uninstall'], env)
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to remove') })
  })

  it('leaves an enabled unit alone and says to disable it first', async () => {
    const { dir, env } = await home()
    await runCli(['service', 'install'], env)
    const user = join(dir, 'home', '.config', 'systemd', 'user')
    await mkdir(join(user, 'default.target.wants'))
    await symlink(
      join(user, 'syncweb.service'),
      join(user, 'default.target.wants', 'syncweb.service'),
    )
    const res = await runCli(['service', 'uninstall'], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('run systemctl --user disable --now syncweb first')
    expect(await readdir(user)).toContain('syncweb.service')
  })

  it('refuses another action with exit 2', async () => {
    const { env } = await home()
    const res = await runCli(['service', 'status'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('use syncweb service install or syncweb service uninstall')
  })
})

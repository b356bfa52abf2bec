import { spawn, type SpawnOptions } from 'node:child_process'
import { cp, mkdir, readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { ROOT, cleanup, get, tempDir, writeFiles } from './helpers.js'

// The package as a user gets it: `npm pack` (its prepack builds dist/), then
// `npm install -g` of the tarball on a machine that has no dev dependencies and builds nothing.
// It needs the npm registry (or npm's cache) and a minute or two, so it runs in CI
// (SYNCWEB_LONG, set by .ci/run) or when asked with SYNCWEB_PACK=1.
const RUN = Boolean(process.env.SYNCWEB_LONG || process.env.SYNCWEB_PACK)

/** What the package is built from; everything else (tests, docs, bench) stays behind. */
const SOURCES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'bin',
  'src',
  'scripts',
  'templates',
  'assets',
  'examples',
]

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

function run(command: string, args: string[], options: SpawnOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** npm's own settings from an `npm test` around us (prefix, global…) must not leak in. */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'])
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') || keep.has(key)),
  )
}

describe.runIf(RUN)('npm pack, then npm install -g of the tarball', () => {
  it('installs a syncweb on the PATH that serves without dev dependencies or a build', async () => {
    const tmp = await tempDir('syncweb-pack-')
    // Packed from a copy, so that prepack's fresh build leaves this checkout's dist/ alone.
    const copy = join(tmp, 'copy')
    for (const name of SOURCES) await cp(join(ROOT, name), join(copy, name), { recursive: true })
    await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'))

    const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: copy,
      env: npmEnv(),
    })
    expect(packed.code, packed.stderr).toBe(0)
    const [pack] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{
      filename: string
      files: Array<{ path: string }>
    }>
    const files = pack!.files.map((f) => f.path)
    for (const needed of [
      'bin/syncweb.js',
      'dist/cli.js',
      'dist/index/indexer/worker.js',
      'templates/layout.eta',
      'assets/style.css',
      'examples/bob/index.md',
      'package.json',
      'README.md',
    ]) {
      expect(files).toContain(needed)
    }
    const stray = files.filter(
      (f) =>
        !/^(bin|dist|templates|assets|examples)\//.test(f) &&
        !['package.json', 'README.md'].includes(f),
    )
    expect(stray).toEqual([])
    expect(files.filter((f) => /\.test\.|\.map$|test-helpers/.test(f))).toEqual([])

    const prefix = join(tmp, 'prefix')
    const installed = await run(
      'npm',
      ['install', '-g', '--prefix', prefix, join(tmp, pack!.filename)],
      { cwd: tmp, env: { ...npmEnv(), npm_config_audit: 'false', npm_config_fund: 'false' } },
    )
    expect(installed.code, installed.stderr).toBe(0)
    const pkg = join(prefix, 'lib', 'node_modules', 'syncweb')
    expect((await readdir(pkg)).sort()).toEqual([
      'README.md',
      'assets',
      'bin',
      'dist',
      'examples',
      'node_modules',
      'package.json',
      'templates',
    ])
    const deps = await readdir(join(pkg, 'node_modules'))
    for (const dev of ['typescript', 'vitest', 'prettier']) expect(deps).not.toContain(dev)

    // As a user runs it: `syncweb` found on the PATH, a HOME of its own.
    const home = join(tmp, 'home')
    const env = { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: home }
    const version = await run('syncweb', ['--version'], { env })
    const ours = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version
    expect(version).toMatchObject({ code: 0, stdout: `${ours}\n` })

    await writeFiles(tmp, {
      'friend/status/1.json': JSON.stringify({ text: 'from the installed syncweb' }),
    })
    const config = join(tmp, 'config.json')
    await writeFile(config, JSON.stringify({ spaces: { friend: { path: join(tmp, 'friend') } } }))
    const port = await serveInstalled(['serve', '--port', '0', '--config', config], env)
    await vi.waitFor(
      async () => {
        const res = await get(port, '/timeline.json')
        expect(res.status).toBe(200)
        const items = JSON.parse(res.text).items as Array<{ _syncweb: { space: string } }>
        expect(items.map((i) => i._syncweb.space)).toEqual(['friend'])
        expect(res.text).toContain('from the installed syncweb')
      },
      { timeout: 30_000, interval: 100 },
    )

    // The unit runs this install's script.
    await mkdir(home, { recursive: true })
    const service = await run('syncweb', ['service', 'install'], { env })
    expect(service.code, service.stderr).toBe(0)
    const unit = await readFile(join(home, '.config/systemd/user/syncweb.service'), 'utf8')
    expect(unit).toContain(` ${await realpath(join(pkg, 'bin', 'syncweb.js'))} serve\n`)
  }, 600_000)
})

/** `syncweb serve` from the PATH; resolves with its port once it listens; killed after. */
async function serveInstalled(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn('syncweb', args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  cleanup(() => child.kill('SIGTERM'))
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout)
      if (match) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`syncweb exited with ${code}: ${stderr}`)))
  })
}

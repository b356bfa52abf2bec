import { spawn } from 'node:child_process'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { COMMANDS } from '../src/cli.js'
import { BIN, ROOT, cleanup, get, runCli, serveCli, tempDir, writeFiles } from './helpers.js'

let home: string
let env: Record<string, string>
let configFile: string

beforeEach(async () => {
  home = await tempDir('syncweb-home-')
  env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }
  configFile = join(home, '.config', 'syncweb', 'config.json')
})

async function readConfig(file = configFile) {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, any>
}

describe('help and version', () => {
  it.each([['--version'], ['-v']])('prints the version of package.json for %s', async (flag) => {
    const res = await runCli([flag], env)
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
    expect(res).toMatchObject({ code: 0, stdout: `${pkg.version}\n` })
  })

  it('prints --help listing every command, in 80 columns', async () => {
    const res = await runCli(['--help'], env)
    expect(res.code).toBe(0)
    for (const command of Object.keys(COMMANDS)) expect(res.stdout).toMatch(`\n  ${command} `)
    for (const line of res.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
  })

  it.each(Object.keys(COMMANDS))(
    'prints help for %s, as COMMAND --help and as help COMMAND',
    async (command) => {
      const res = await runCli([command, '--help'], env)
      expect(res.code).toBe(0)
      expect(res.stdout).toContain(`Usage: syncweb ${command}`)
      expect(res.stdout).toContain('--config FILE')
      expect(res.stdout).toContain(`Examples:\n  syncweb ${command}`)
      for (const line of res.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
      expect(await runCli(['help', command], env)).toEqual(res)
    },
  )

  it("says what import's --config is, and where syncweb's own config goes", async () => {
    const res = await runCli(['help', 'import'], env)
    expect(res.stdout).toMatch(/--config FILE +the sync tool's config/)
    expect(res.stdout).toMatch(/--syncweb-config FILE\n +syncweb's own config file/)
    expect(res.stdout.match(/^ {2}--config FILE/gm)).toHaveLength(1)
  })

  it('refuses an unknown command with exit 2 and says what to do', async () => {
    const res = await runCli(['folow', 'a', 'b'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('unknown command "folow" (did you mean follow?)')
    expect(res.stderr).toContain('syncweb --help')
  })

  it.each([
    [['serve', '--prot', '1'], 'unknown option --prot (did you mean --port?)'],
    [['--prot', '1'], 'unknown option --prot (did you mean --port?)'],
    [['spaces', '--jsn'], 'unknown option --jsn (did you mean --json?)'],
    [['follow', 'a', 'b', '--confg', 'x'], 'unknown option --confg (did you mean --config?)'],
    [['serve', '--port'], 'option --port needs a value: --port N'],
    [['post', 'hi', '--image', '--space', 'me'], 'option --image needs a value: --image FILE'],
  ])('refuses %j with exit 2: %s', async (args, message) => {
    const res = await runCli(args, env)
    expect(res).toMatchObject({ code: 2, stdout: '' })
    expect(res.stderr).toContain(message)
    expect(res.stderr).not.toContain('positional')
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('refuses missing arguments with the usage line', async () => {
    const res = await runCli(['follow', 'alice'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('missing FOLDER; usage: syncweb follow NAME FOLDER')
  })

  it('serves when no command is given', async () => {
    const child = spawn(process.execPath, [BIN, '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    cleanup(() => child.kill('SIGTERM'))
    let stdout = ''
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d
        const match = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout)
        if (match) resolve(Number(match[1]))
      })
      child.on('exit', (code) => reject(new Error(`syncweb exited with ${code}`)))
    })
    expect((await get(port, '/timeline.json')).status).toBe(200)
  })
})

describe('follow, unfollow, spaces', () => {
  it('follows a folder, lists it, unfollows it, and never touches the folder', async () => {
    const folder = await tempDir()
    await writeFile(join(folder, 'index.html'), 'hi')
    const followed = await runCli(['follow', 'alice', folder], env)
    expect(followed.code).toBe(0)
    expect(followed.stdout).toContain('Following @alice')
    // No gateway runs: the URL names the config's port.
    expect(followed.stdout).toContain('It is served at http://localhost:4747/@alice/')
    expect((await readConfig()).spaces.alice.path).toBe(folder)

    const listed = await runCli(['spaces', '--json'], env)
    const spaces = JSON.parse(listed.stdout)
    expect(spaces).toEqual([
      {
        name: 'alice',
        followed: true,
        title: 'alice',
        path: folder,
        me: false,
        online: true,
        status: 'ready',
        items: 0,
        lastUpdated: null,
        files: 1,
        follows: [],
        problems: [],
        problemCount: 0,
      },
    ])
    // The same fields, and values, as the running gateway's /api/spaces.
    const server = await serveCli([], env)
    await vi.waitFor(async () => {
      const api = await get(server.port, '/api/spaces', { Accept: 'application/json' })
      expect(JSON.parse(api.text)).toEqual(spaces)
    })
    const table = await runCli(['spaces'], env)
    expect(table.stdout).toMatch(/alice\s+online\s+0\s+—/)

    const gone = await runCli(['unfollow', '@Alice'], env)
    expect(gone.code).toBe(0)
    expect((await readConfig()).spaces).toEqual({})
    expect(await readdir(folder)).toEqual(['index.html'])
  })

  it('lists items, last update and skipped files', async () => {
    const folder = await tempDir()
    await mkdir(join(folder, 'status'))
    await writeFile(
      join(folder, 'status', 'a.json'),
      JSON.stringify({ text: 'hi', date: '2026-01-02T00:00:00Z' }),
    )
    await writeFile(join(folder, 'status', 'b.json'), '{ broken')
    await runCli(['follow', 'bob', folder], env)
    const [row] = JSON.parse((await runCli(['spaces', '--json'], env)).stdout)
    expect(row).toMatchObject({
      items: 1,
      lastUpdated: '2026-01-02T00:00:00.000Z',
      problems: [{ file: 'status/b.json', reason: expect.stringContaining('not valid JSON') }],
    })
    expect((await runCli(['spaces'], env)).stdout).toContain(
      'skipped status/b.json: not valid JSON',
    )
  })

  it('prints the timeline with the text in one column, whatever the names', async () => {
    for (const [name, text, date] of [
      ['al', 'short name', '2026-01-02T00:00:00Z'],
      ['bartholomew', 'long name', '2026-01-01T00:00:00Z'],
    ]) {
      const folder = await tempDir()
      await mkdir(join(folder, 'status'))
      await writeFile(join(folder, 'status', 'a.json'), JSON.stringify({ text, date }))
      await runCli(['follow', name!, folder], env)
    }
    const lines = (await runCli(['timeline'], env)).stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]!.indexOf('short name')).toBe(lines[1]!.indexOf('long name'))
  })

  it('takes --config before or after the arguments', async () => {
    const folder = await tempDir()
    const file = join(home, 'custom.json')
    expect((await runCli(['--config', file, 'follow', 'a', folder], env)).code).toBe(0)
    expect((await runCli(['follow', 'b', folder, '--config', file], env)).code).toBe(0)
    expect(Object.keys((await readConfig(file)).spaces)).toEqual(['a', 'b'])
  })

  it('uses $SYNCWEB_CONFIG before the XDG location', async () => {
    const folder = await tempDir()
    const file = join(home, 'env.json')
    expect((await runCli(['follow', 'a', folder], { ...env, SYNCWEB_CONFIG: file })).code).toBe(0)
    expect((await readConfig(file)).spaces.a.path).toBe(folder)
  })

  it('keeps unknown fields and other spaces when it edits the file, and leaves no temp file', async () => {
    const folder = await tempDir()
    await mkdir(join(home, '.config', 'syncweb'), { recursive: true })
    await writeFile(
      configFile,
      JSON.stringify({
        port: 5000,
        future: { x: 1 },
        spaces: { old: { path: folder, color: 'red' } },
      }),
    )
    expect((await runCli(['follow', 'new', folder], env)).code).toBe(0)
    const config = await readConfig()
    expect(config.port).toBe(5000)
    expect(config.future).toEqual({ x: 1 })
    expect(config.spaces.old).toEqual({ path: folder, color: 'red' })
    expect(await readdir(join(home, '.config', 'syncweb'))).toEqual(['config.json'])
  })

  it('refuses an invalid name with the rule', async () => {
    const folder = await tempDir()
    const res = await runCli(['follow', 'bad_name', folder], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('1-63 characters of a-z, 0-9')
  })

  it('refuses a folder that does not exist', async () => {
    const res = await runCli(['follow', 'alice', join(home, 'nope')], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('is not a folder')
  })

  it('refuses to follow a taken name at another folder', async () => {
    const a = await tempDir()
    const b = await tempDir()
    await runCli(['follow', 'alice', a], env)
    const res = await runCli(['follow', 'alice', b], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('syncweb unfollow alice first')
  })

  it('refuses to unfollow a space it does not follow', async () => {
    const res = await runCli(['unfollow', 'ghost'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('not following "ghost"')
  })
})

describe('config validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['bad JSON', '{ "spaces": ', 'is not valid JSON'],
    ['an array', [], '(top level): must be a JSON object'],
    ['a bad port', { port: 70000 }, 'port: must be an integer from 0 to 65535'],
    ['a bad isolation', { isolation: 'none' }, 'isolation: must be "subdomain" or "sandbox"'],
    ['a bad name', { spaces: { 'Bad Name': { path: '/' } } }, 'spaces.Bad Name: a name is 1-63'],
    ['a space without path', { spaces: { a: {} } }, 'spaces.a.path: is required'],
    ['me naming no space', { me: 'zed', spaces: {} }, 'me: must be the name of one of the spaces'],
    ['bad allowedHosts', { allowedHosts: 'x' }, 'allowedHosts: must be an array'],
    ['limits not an object', { limits: 5 }, 'limits: must be an object'],
    [
      'a limit out of range',
      { limits: { maxBodyBytes: 10 } },
      'limits.maxBodyBytes: must be a whole number from 1024 to 67108864',
    ],
    [
      'an unknown limit',
      { limits: { maxFiles: 10 } },
      'limits.maxFiles: is not a limit syncweb knows (maxParseBytes, parseTimeoutMs',
    ],
  ]
  it.each(cases)(
    'refuses %s with exit 2, naming file, field and rule',
    async (_, content, rule) => {
      const file = join(home, 'bad.json')
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content))
      const res = await runCli(['spaces', '--config', file], env)
      expect(res.code).toBe(2)
      expect(res.stderr).toContain(file)
      expect(res.stderr).toContain(rule)
      const served = await runCli(['serve', '--config', file, '--port', '0'], env)
      expect(served.code).toBe(2)
    },
  )
})

describe('serve', () => {
  it('serves the demo spaces when no config exists, and says how to follow a folder', async () => {
    const server = await serveCli([], env)
    expect(server.output().stdout).toMatch(/serving 3 spaces at http:\/\/localhost:\d+\//)
    // Said once it listens (stderr is its own pipe: it may come a moment after the URL).
    await vi.waitFor(() => expect(server.output().stderr).toContain('syncweb follow NAME FOLDER'))
    const home = await get(server.port, '/', { Accept: 'text/html' })
    for (const name of ['alice', 'bob', 'carol']) expect(home.text).toContain(`@${name}`)
    expect((await get(server.port, '/@bob/', { Accept: 'text/html' })).text).toContain(
      'Bob&#39;s workshop',
    )
  })

  it('resolves relative paths against the config file, reports a missing folder and serves the rest', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'sites', 'alice'), { recursive: true })
    await writeFile(join(dir, 'sites', 'alice', 'hello.txt'), 'hello')
    const file = join(dir, 'config.json')
    await writeFile(
      file,
      JSON.stringify({ spaces: { alice: { path: 'sites/alice' }, gone: { path: 'sites/gone' } } }),
    )
    const server = await serveCli(['--config', file], env)
    expect((await get(server.port, '/@alice/hello.txt')).text).toBe('hello')
    expect(server.output().stderr).toMatch(/@gone\s+MISSING/)
    expect((await get(server.port, '/@gone/')).status).toBe(503)
    // The folder appears: the space is online without a restart.
    await mkdir(join(dir, 'sites', 'gone'))
    await writeFile(join(dir, 'sites', 'gone', 'index.html'), 'back')
    expect((await get(server.port, '/@gone/')).text).toBe('back')
  })

  it('counts in words: "1 space", "1 file skipped", with where to see why', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'ada', 'status'), { recursive: true })
    await writeFile(join(dir, 'ada', 'status', 'bad.json'), '{ "text": "half')
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify({ spaces: { ada: { path: 'ada' } } }))
    const server = await serveCli(['--config', file], env)
    expect(server.output().stdout).toMatch(/serving 1 space at http:/)
    await vi.waitFor(() =>
      expect(server.output().stderr).toMatch(/; 1 file skipped \(syncweb spaces and \/settings/),
    )
    expect(server.output().stderr).toContain('@ada/status/bad.json: not valid JSON')
  })

  it('counts every file skipped, beyond the 1,000 a space lists', async () => {
    const dir = await tempDir()
    const bad: Record<string, string> = {}
    for (let i = 0; i < 1005; i++) bad[`status/bad-${i}.json`] = '{ "text": "half'
    await writeFiles(join(dir, 'ada'), bad)
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify({ spaces: { ada: { path: 'ada' } } }))
    const server = await serveCli(['--config', file], env)
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/; 1,005 files skipped/), {
      timeout: 20_000,
    })
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/… and 995 more\n/))
  })

  it('stops on SIGTERM: says so, and leaves no lock holder behind in the cache', async () => {
    const dir = await tempDir()
    const cache = join(dir, 'cache')
    const server = await serveCli(['--cache-dir', cache], env)
    await vi.waitFor(() => expect(server.output().stderr).toMatch(/^Indexed /m), {
      timeout: 20_000,
    })
    expect(await readdir(cache)).toContain('index.db.pid')
    server.child.kill('SIGTERM')
    expect(await new Promise((resolve) => server.child.once('exit', resolve))).toBe(0)
    expect(server.output().stderr).toMatch(/syncweb stopped\.\n$/)
    expect(await readdir(cache)).not.toContain('index.db.pid')
  })

  it('binds 127.0.0.1 by default', async () => {
    const server = await serveCli([], env)
    expect(server.output().stdout).toContain('listening on http://127.0.0.1:')
  })

  it('refuses a bad --port with exit 2', async () => {
    const res = await runCli(['serve', '--port', 'eighty'], env)
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('--port must be a number')
  })

  it('says when the port is taken, with exit 1', async () => {
    const first = await serveCli([], env)
    const cache = await tempDir()
    const res = await runCli(['serve', '--port', String(first.port), '--cache-dir', cache], env)
    expect(res.code).toBe(1)
    expect(res.stderr).toContain(`port ${first.port} on 127.0.0.1 is in use`)
  })
})

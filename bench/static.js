// The static side of `npm run bench`: syncweb against sirv (and nginx when the machine has it)
// on the same files, loaded in turn and interleaved over several rounds; ratios are computed
// within the run.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load, loadTool } from './load.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SITE = join(ROOT, '.bench', 'site')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)

function generate() {
  mkdirSync(join(SITE, 'posts'), { recursive: true })
  const para = 'Sync tools deliver a whole folder, and the gateway serves it as a website. '
  writeFileSync(
    join(SITE, 'index.html'),
    `<!doctype html><title>site</title><main>${`<p>${para.repeat(3)}</p>\n`.repeat(22)}</main>`,
  )
  writeFileSync(join(SITE, 'big.bin'), Buffer.alloc(1024 * 1024, 7))
  for (let i = 0; i < 200; i++) {
    const body = `---\ntitle: Post ${i}\ndate: 2026-01-${String((i % 28) + 1).padStart(2, '0')}\n---\n\n# Post ${i}\n\n${`${para.repeat(4)}\n\n`.repeat(14)}\`\`\`js\nconst x = ${i}\n\`\`\`\n`
    writeFileSync(join(SITE, 'posts', `post-${i}.md`), body)
  }
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

function startProcess(command, args, ready) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const check = (d) => {
      out += d
      if (ready.test(out)) resolve(child)
    }
    child.stdout.on('data', check)
    child.stderr.on('data', check)
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${out}`)))
  })
}

async function startNginx(port) {
  let nginx
  try {
    nginx = execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim()
  } catch {}
  if (!nginx) return undefined
  const dir = join(ROOT, '.bench', 'nginx')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; include /etc/nginx/mime.types; sendfile on; tcp_nopush on; keepalive_requests 100000;
  server { listen 127.0.0.1:${port}; root ${SITE}; } }`,
  )
  const child = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' })
  await new Promise((r) => setTimeout(r, 500))
  return child
}

export async function benchStatic() {
  generate()
  const servers = []
  const syncwebPort = await freePort()
  const config = join(ROOT, '.bench', 'site-config.json')
  writeFileSync(config, JSON.stringify({ spaces: { site: { path: SITE } } }))
  servers.push({
    name: 'syncweb',
    child: await startProcess(
      process.execPath,
      [join(ROOT, 'bin/syncweb.js'), 'serve', '--config', config, '--port', String(syncwebPort)],
      /^Indexed/m,
    ),
    url: (path) => `http://127.0.0.1:${syncwebPort}/@site${path}`,
  })
  const sirvPort = await freePort()
  servers.push({
    name: 'sirv',
    child: await startProcess(
      process.execPath,
      [join(ROOT, 'bench/peers/sirv.js'), SITE, String(sirvPort)],
      /ready/,
    ),
    url: (path) => `http://127.0.0.1:${sirvPort}${path}`,
  })
  const nginxPort = await freePort()
  const nginx = await startNginx(nginxPort)
  if (nginx)
    servers.push({
      name: 'nginx',
      child: nginx,
      url: (path) => `http://127.0.0.1:${nginxPort}${path}`,
    })
  else console.error('nginx not found: compared with sirv only')

  const cases = [
    { name: 'small file (5 KB index.html)', path: '/index.html' },
    { name: '1 MB file', path: '/big.bin' },
    { name: '304 revalidation of index.html', path: '/index.html', revalidate: true },
    { name: 'rendered Markdown post (cached)', path: '/posts/post-1.md', only: 'syncweb' },
    { name: '/timeline page', path: '/timeline', only: 'syncweb', gateway: true },
  ]
  const results = new Map()
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      for (const server of servers) {
        if (c.only && c.only !== server.name) continue
        let url = server.url(c.path)
        if (c.gateway) url = `http://127.0.0.1:${syncwebPort}${c.path}`
        const headers = {}
        if (c.revalidate) {
          const res = await fetch(url)
          headers['If-None-Match'] = res.headers.get('etag') ?? ''
          await res.arrayBuffer()
        }
        const r = await load(url, { connections: 50, seconds: SECONDS, headers })
        const key = `${c.name}|${server.name}`
        results.set(key, [...(results.get(key) ?? []), r])
        process.stderr.write(
          `round ${round + 1}: ${server.name.padEnd(8)} ${c.name}: ${Math.round(r.rps)} rps\n`,
        )
      }
    }
  }
  const firstRender = await measureFirstRender(servers[0].url)
  for (const server of servers) server.child.kill('SIGTERM')

  const median = (list, key) =>
    list.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)]
  const get = (c, s) => {
    const list = results.get(`${c}|${s}`)
    return list
      ? {
          rps: median(list, 'rps'),
          p99: median(list, 'p99'),
          errors: list.reduce((n, r) => n + r.errors + r.non2xx, 0),
        }
      : undefined
  }
  const rows = []
  for (const c of cases) {
    for (const server of servers) {
      const r = get(c.name, server.name)
      if (r)
        rows.push(
          `| ${c.name} | ${server.name} | ${Math.round(r.rps).toLocaleString('en')} | ${r.p99.toFixed(1)} | ${c.revalidate ? '' : r.errors} |`,
        )
    }
  }
  const small = get(cases[0].name, 'syncweb').rps
  const ratio = (c, target, over = 'sirv') => {
    const mine = get(c, 'syncweb').rps
    const theirs = over === 'small' ? small : get(c, over).rps
    const value = mine / theirs
    return `| ${c} vs ${over === 'small' ? 'syncweb small file' : over} | ${value.toFixed(2)}x | >= ${target}x | ${value >= target ? 'PASS' : 'MISS'} |`
  }
  const table = [
    `Load by ${loadTool}, 50 connections, ${SECONDS} s per case, median of ${ROUNDS} interleaved rounds.`,
    '',
    '| case | server | rps | p99 ms | errors |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '| ratio | measured | target | |',
    '|---|---|---|---|',
    ratio(cases[0].name, 1.0),
    ratio(cases[1].name, 1.0),
    ratio(cases[2].name, 1.0, 'small'),
    ratio(cases[3].name, 0.8, 'small'),
    ratio(cases[4].name, 0.3, 'small'),
    `| first render of a ${firstRender.kb} KB Markdown post, median (p95) of ${firstRender.count} posts never asked for before | ${firstRender.median.toFixed(2)} ms (${firstRender.p95.toFixed(2)}) | <= 2 ms | ${firstRender.median <= 2 ? 'PASS' : 'MISS'} |`,
  ].join('\n')
  console.log(`\n${table}\n`)
  return table
}

/**
 * The time to the last byte of a Markdown post's first render: posts 100-199, which the load
 * above never asked for, one at a time over one keep-alive connection.
 */
async function measureFirstRender(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const get = (target) =>
    new Promise((resolve, reject) => {
      const started = performance.now()
      http
        .get(target, { agent }, (res) => {
          res.resume()
          res.on('end', () => resolve(performance.now() - started))
        })
        .on('error', reject)
    })
  // One post with a code block first: highlight.js loads at the first one, once per process.
  await get(url('/posts/post-99.md'))
  const times = []
  for (let i = 100; i < 200; i++) times.push(await get(url(`/posts/post-${i}.md`)))
  agent.destroy()
  times.sort((a, b) => a - b)
  const kb = (statSync(join(SITE, 'posts', 'post-100.md')).size / 1024).toFixed(1)
  return {
    kb,
    count: times.length,
    median: times[Math.floor(times.length / 2)],
    p95: times[Math.floor(times.length * 0.95)],
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchStatic().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}

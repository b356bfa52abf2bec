// The static side of `npm run bench`: syncweb against sirv, raw node:http (the floor of what
// node:http can do for the same response) and nginx when the machine has it, on the same files,
// loaded in turn and interleaved over several rounds; each ratio is computed within each round.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load, loadTool } from './load.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SITE = join(ROOT, '.bench', 'site')
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1)
const RAW = 'node:http (res.end)'

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

/**
 * { status, headers, body } of one GET on a connection of its own. Not fetch(): it adds
 * Cache-Control: no-cache to a request with If-None-Match (so a server that honours it answers
 * 200), and its pooled keep-alive sockets go stale while wrk blocks this process.
 */
const request = (url, headers = {}) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
        )
      })
      .on('error', reject)
  })

// The response headers that differ between two servers of the same bytes by nature.
const PER_RESPONSE = new Set(['date', 'connection', 'keep-alive'])

/**
 * Differences between syncweb's answer for index.html (200, then 304 to its own ETag) and the raw
 * node:http peer's, header by header and body: the peer is only a floor for syncweb if it sends
 * what syncweb sends.
 */
async function compareWithSyncweb(syncwebUrl, peerUrl) {
  const answer = async (url, etag) => {
    const res = await request(url, etag ? { 'If-None-Match': etag } : {})
    const headers = Object.entries(res.headers).filter(([name]) => !PER_RESPONSE.has(name))
    return { ...res, headers: new Map(headers), etag: res.headers.etag }
  }
  const differences = []
  const compare = (what, mine, theirs) => {
    if (mine.status !== theirs.status)
      differences.push(`${what}: status ${mine.status} vs ${theirs.status}`)
    for (const name of new Set([...mine.headers.keys(), ...theirs.headers.keys()]))
      if (mine.headers.get(name) !== theirs.headers.get(name))
        differences.push(
          `${what}: ${name}: ${mine.headers.get(name) ?? '(none)'} vs ${theirs.headers.get(name) ?? '(none)'}`,
        )
    if (!mine.body.equals(theirs.body))
      differences.push(`${what}: body of ${mine.body.length} vs ${theirs.body.length} bytes`)
  }
  const mine = await answer(syncwebUrl)
  compare('200', mine, await answer(peerUrl))
  compare('304', await answer(syncwebUrl, mine.etag), await answer(peerUrl, mine.etag))
  return differences
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export async function benchStatic() {
  generate()
  const servers = []
  try {
    return await runStatic(servers)
  } finally {
    // Also when a load or a check throws: no server left running on the machine.
    for (const server of servers) server.child.kill('SIGTERM')
  }
}

async function runStatic(servers) {
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
  const rawPort = await freePort()
  servers.push({
    name: RAW,
    child: await startProcess(
      process.execPath,
      [join(ROOT, 'bench/peers/node-http.js'), SITE, String(rawPort)],
      /ready/,
    ),
    url: (path) => `http://127.0.0.1:${rawPort}${path}`,
  })
  const nginxPort = await freePort()
  const nginx = await startNginx(nginxPort)
  if (nginx)
    servers.push({
      name: 'nginx',
      child: nginx,
      url: (path) => `http://127.0.0.1:${nginxPort}${path}`,
    })
  else console.error('nginx not found: compared with sirv and node:http only')

  const differences = await compareWithSyncweb(
    servers[0].url('/index.html'),
    servers.find((s) => s.name === RAW).url('/index.html'),
  )
  for (const d of differences) console.error(`${RAW} differs from syncweb: ${d}`)

  const SMALL = 'small file (5 KB index.html)'
  const BIG = '1 MB file'
  const REVALIDATE = '304 revalidation of index.html'
  const MARKDOWN = 'rendered Markdown post (cached)'
  const TIMELINE = '/timeline page'
  const cases = [
    { name: SMALL, path: '/index.html' },
    { name: BIG, path: '/big.bin' },
    { name: REVALIDATE, path: '/index.html', revalidate: true },
    { name: MARKDOWN, path: '/posts/post-1.md', only: 'syncweb' },
    { name: TIMELINE, path: '/timeline', only: 'syncweb', gateway: true },
  ]
  const measure = async (c, server, seconds = SECONDS) => {
    let url = server.url(c.path)
    if (c.gateway) url = `http://127.0.0.1:${syncwebPort}${c.path}`
    const headers = {}
    if (c.revalidate) headers['If-None-Match'] = (await request(url)).headers.etag ?? ''
    return load(url, { connections: 50, seconds, headers })
  }
  // Every server in a case, in an order that turns by one each round, so that none is always
  // the one loaded right after nginx (or first after a case change).
  const order = (c, round) => {
    const list = servers.filter((s) => !c.only || c.only === s.name)
    const turn = round % list.length
    return [...list.slice(turn), ...list.slice(0, turn)]
  }
  if (WARMUP > 0) {
    process.stderr.write(`warm-up: ${WARMUP} s per case and server, not counted\n`)
    for (const c of cases) for (const server of order(c, 0)) await measure(c, server, WARMUP)
  }
  // results: `${case}|${server}` -> one load result per round, in round order.
  const results = new Map()
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      for (const server of order(c, round)) {
        const r = await measure(c, server)
        const key = `${c.name}|${server.name}`
        if (!results.has(key)) results.set(key, [])
        results.get(key)[round] = r
        process.stderr.write(
          `round ${round + 1}: ${server.name.padEnd(18)} ${c.name}: ${Math.round(r.rps)} rps\n`,
        )
      }
    }
  }
  const firstRender = await measureFirstRender(servers[0].url)

  const rounds = (c, s) => results.get(`${c}|${s}`)
  const rps = (n) => Math.round(n).toLocaleString('en')
  const rows = []
  const perRound = []
  for (const c of cases) {
    for (const server of servers) {
      const list = rounds(c.name, server.name)
      if (!list) continue
      const errors = list.reduce((n, r) => n + r.errors + r.non2xx, 0)
      rows.push(
        `| ${c.name} | ${server.name} | ${rps(median(list.map((r) => r.rps)))} | ${median(list.map((r) => r.p99)).toFixed(1)} | ${c.revalidate ? '' : errors} |`,
      )
      perRound.push(`| ${c.name} | ${server.name} | ${list.map((r) => rps(r.rps)).join(' | ')} |`)
    }
  }
  // One ratio per round, each from that round's own two numbers; the median and the spread of
  // those, never a ratio of medians.
  const ratio = (label, [c, s], [overCase, over], target) => {
    const mine = rounds(c, s)
    const theirs = rounds(overCase, over)
    if (!mine || !theirs) return `| ${label} | (${over} not run) | | | |`
    const values = mine.map((r, i) => r.rps / theirs[i].rps)
    const m = median(values)
    const spread = `${m.toFixed(2)}x (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`
    if (target === undefined) return `| ${label} | ${spread} | | | |`
    const at = values.filter((v) => v >= target).length
    return `| ${label} | ${spread} | >= ${target}x | ${at}/${values.length} | ${m >= target ? 'PASS' : 'MISS'} |`
  }
  const table = [
    `Load by ${loadTool}, 50 connections, ${SECONDS} s per case, ${ROUNDS} interleaved rounds (server order turning each round)${WARMUP > 0 ? ` after a ${WARMUP} s warm-up of each` : ''}; rps and p99 are medians over the rounds.`,
    `${RAW} is raw node:http answering index.html from a buffer read once, with syncweb's headers (a bare 304 to its ETag), and big.bin with fs.createReadStream: the floor of node:http for those responses.`,
    ...(differences.length
      ? ['', `**${RAW} does not answer what syncweb answers:** ${differences.join('; ')}.`]
      : []),
    '',
    '| case | server | rps | p99 ms | errors |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Each ratio is computed within each round; shown as the median over the rounds (min–max). PASS or MISS is on the median.',
    '',
    '| ratio | median (min–max) | target | rounds at target | |',
    '|---|---|---|---|---|',
    ratio(`${SMALL}: syncweb vs ${RAW}`, [SMALL, 'syncweb'], [SMALL, RAW], 0.85),
    ratio(`${SMALL}: syncweb vs sirv`, [SMALL, 'syncweb'], [SMALL, 'sirv'], 1.0),
    ratio(
      `${REVALIDATE}: syncweb's 304 vs sirv's 304`,
      [REVALIDATE, 'syncweb'],
      [REVALIDATE, 'sirv'],
      1.0,
    ),
    ratio(
      `${REVALIDATE}: syncweb's 304 vs ${RAW}'s 304`,
      [REVALIDATE, 'syncweb'],
      [REVALIDATE, RAW],
    ),
    ratio(`${BIG}: syncweb vs sirv`, [BIG, 'syncweb'], [BIG, 'sirv'], 1.0),
    ratio(`${MARKDOWN} vs syncweb small file`, [MARKDOWN, 'syncweb'], [SMALL, 'syncweb'], 0.8),
    ratio(`${TIMELINE} vs syncweb small file`, [TIMELINE, 'syncweb'], [SMALL, 'syncweb'], 0.3),
    `| first render of a ${firstRender.kb} KB Markdown post, median (p95) of ${firstRender.count} posts never asked for before | ${firstRender.median.toFixed(2)} ms (${firstRender.p95.toFixed(2)}) | <= 2 ms | | ${firstRender.median <= 2 ? 'PASS' : 'MISS'} |`,
    '',
    'rps per round:',
    '',
    `| case | server | ${Array.from({ length: ROUNDS }, (_, i) => i + 1).join(' | ')} |`,
    `|---|---|${'---|'.repeat(ROUNDS)}`,
    ...perRound,
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

// Load generation for the benchmarks: wrk when the machine has it (a C client leaves the
// server more of a 2-core machine), else autocannon from npm. Same shape either way.
import autocannon from 'autocannon'
import { execFileSync } from 'node:child_process'

// BENCH_LOAD=autocannon (or wrk) picks one, to compare the two on the same machine.
let wrk = process.env.BENCH_LOAD ? process.env.BENCH_LOAD === 'wrk' : undefined
if (wrk === undefined) {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    wrk = true
  } catch (error) {
    // wrk --version exits 1 after printing its version: it is there if it ran at all.
    wrk = error.code !== 'ENOENT'
  }
}

export const loadTool = wrk ? 'wrk' : 'autocannon'

const toMs = (value, unit) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1)

/**
 * { rps, p50, p99 (ms), errors, non2xx } for `connections` clients over `seconds`, each request
 * with `headers` (e.g. If-None-Match for revalidations). A request slower than `timeout` seconds
 * counts as an error, not in the latencies (wrk's default is 2 s: raise it for slow routes).
 */
export async function load(url, { connections = 50, seconds = 10, headers = {}, timeout } = {}) {
  if (wrk) {
    const flags = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
    const out = execFileSync(
      'wrk',
      [
        '-t1',
        `-c${connections}`,
        `-d${seconds}s`,
        ...(timeout ? [`--timeout`, `${timeout}s`] : []),
        '--latency',
        ...flags,
        url,
      ],
      { encoding: 'utf8' },
    )
    const latency = (p) => {
      const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out)
      return m ? toMs(m[1], m[2]) : NaN
    }
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
      p50: latency(50),
      p99: latency(99),
      errors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    }
  }
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    ...(timeout ? { timeout } : {}),
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  }
}

// npm run bench: the memory of an idle gateway with the bundled demo spaces (no config): 3 and
// 10 s after its first scan, and again after its pages were visited once.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TARGET_MB = 80

const rssMb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export async function benchIdle() {
  const home = mkdtempSync(join(tmpdir(), 'syncweb-idle-'))
  const child = spawn(process.execPath, [join(ROOT, 'bin/syncweb.js'), 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home },
    stdio: 'pipe',
  })
  try {
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    await new Promise((resolve, reject) => {
      child.stderr.on('data', (d) => {
        err += d
        if (/^Indexed/m.test(err)) resolve()
      })
      child.on('exit', (code) => reject(new Error(`syncweb exited with ${code}: ${err}`)))
    })
    const port = /listening on http:\/\/[^:]+:(\d+)/.exec(out)[1]
    await sleep(3000)
    const settling = rssMb(child.pid)
    // V8 gives back what start-up left behind once the process has been idle a few seconds
    // (its memory reducer): that is the gateway a user leaves running.
    await sleep(7000)
    const idle = rssMb(child.pid)
    for (const path of ['/', '/timeline', '/timeline.json', '/@alice/']) {
      await (await fetch(`http://127.0.0.1:${port}${path}`)).arrayBuffer()
    }
    await sleep(3000)
    const visited = rssMb(child.pid)
    const table = [
      '| measure | value | target | issue 6 |',
      '|---|---|---|---|',
      `| RSS with the demo spaces, 3 s after its first scan | ${settling.toFixed(0)} MB | | |`,
      `| idle RSS with the demo spaces, 10 s after its first scan | ${idle.toFixed(0)} MB | <= ${TARGET_MB} MB | ${idle <= TARGET_MB ? 'PASS' : 'MISS'} |`,
      `| the same after /, /timeline, /timeline.json and a space were visited once | ${visited.toFixed(0)} MB | | |`,
    ].join('\n')
    console.log(`\n${table}\n`)
    return table
  } finally {
    child.kill('SIGTERM')
    rmSync(home, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  benchIdle().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}

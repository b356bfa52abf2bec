// npm run bench: the static comparison with sirv, raw node:http (and nginx when present), then the
// timeline at scale; one report in bench/RESULTS.md.
import { cpus, totalmem } from 'node:os'
import { writeFileSync } from 'node:fs'
import { benchStatic } from './static.js'
import { benchIdle } from './idle.js'
import { benchTimeline } from './timeline.js'

const started = Date.now()
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
const idleTable = await benchIdle()
const staticTable = await benchStatic()
const { table: timelineTable, corpus } = await benchTimeline()
const report = `# syncweb benchmark results

\`npm run bench\`, ${new Date().toISOString().slice(0, 10)}, on ${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s in all.
Targets are those of issues 3 and 6 (and 12 for the timeline at scale); every server runs on 127.0.0.1 and the load generator on the same 2 cores.

## Static files: syncweb, sirv 3 on node:http, raw node:http (res.end), nginx (1 worker)

${staticTable}

## An idle gateway

${idleTable}

## The timeline at scale

${corpus}

${timelineTable}
`
writeFileSync(new URL('./RESULTS.md', import.meta.url), report)
console.log('Written to bench/RESULTS.md')

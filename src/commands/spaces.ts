import { editConfig, findConfigFile, findSpace, loadConfig, type Config } from '../config/config.js'
import { normalizeName } from '../spaces/names.js'
import { addFollow, CLI_UNFOLLOW, followTarget, removeFollow } from '../config/follows.js'
import { TimelineIndex } from '../index/index.js'
import { indexLimits } from '../index/indexer/limits.js'
import { formatRelative } from '../render/format.js'
import { spaceSummary } from '../timeline/summary.js'
import { configWarnings } from '../config/me.js'
import { UsageError } from '../usage-error.js'
import { stateHome } from '../state/home.js'
import { gatewayOrigin } from '../state/runtime.js'

export async function follow(configFlag: string | undefined, input: string, folder: string) {
  const { name, root } = await followTarget(input, folder)
  const file = findConfigFile(configFlag)
  let already = false
  const next = await editConfig(file, (raw) => {
    already = addFollow(raw, name, root, CLI_UNFOLLOW)
  })
  const served = `${await gatewayOrigin(stateHome(), next.port)}/@${name}/`
  process.stdout.write(
    already
      ? `Already following @${name} at ${root}.\n`
      : `Following @${name}: ${root}\nIt is served at ${served} (config: ${file}).\n`,
  )
  for (const warning of configWarnings(next)) process.stderr.write(`Warning: ${warning}\n`)
}

export async function unfollow(configFlag: string | undefined, input: string) {
  const name = normalizeName(input)
  const file = findConfigFile(configFlag)
  const config = await loadConfig(file)
  if (!name || !config || !findSpace(config, name)) {
    throw new UsageError(`not following "${input}"; syncweb spaces lists the spaces`)
  }
  await editConfig(file, (raw) => removeFollow(raw, name))
  process.stdout.write(`Unfollowed ${name}. Its folder was not touched.\n`)
}

/** `syncweb spaces`: reads every space once (no server) to show items and problems too. */
export async function listSpaces(configFlag: string | undefined, json: boolean) {
  const file = findConfigFile(configFlag)
  const config: Config | undefined = await loadConfig(file)
  if (!config) {
    process.stderr.write(`No config at ${file}: add a space with syncweb follow NAME FOLDER.\n`)
  }
  const index = new TimelineIndex(indexLimits(config?.limits, false))
  index.setSpaces(config?.spaces ?? [])
  await index.ready()
  const rows = config ? config.spaces.map((s) => spaceSummary(config, index, s.name)) : []
  index.close()
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
    return
  }
  if (rows.length === 0) return
  const width = Math.max(4, ...rows.map((r) => r.name.length))
  process.stdout.write(`${'NAME'.padEnd(width)}  STATUS   ITEMS  LAST UPDATE     FOLDER\n`)
  for (const r of rows) {
    const status = r.online ? 'online ' : 'missing'
    const last = r.lastUpdated ? formatRelative(Date.parse(r.lastUpdated)) : '—'
    process.stdout.write(
      `${r.name.padEnd(width)}  ${status}  ${String(r.items).padStart(5)}  ${last.padEnd(14)}  ${r.path}${r.me ? '  (me)' : ''}\n`,
    )
    for (const p of r.problems.slice(0, 5))
      process.stdout.write(`${' '.repeat(width + 2)}skipped ${p.file}: ${p.reason}\n`)
    if (r.problemCount > 5)
      process.stdout.write(
        `${' '.repeat(width + 2)}… ${r.problemCount - 5} more (--json lists up to 1,000)\n`,
      )
  }
}

import { demoConfig, findConfigFile, loadConfig } from '../config/config.js'
import { paramsContext } from '../timeline/context.js'
import { jsonFeed } from '../timeline/json-feed.js'
import { feedItems } from '../timeline/feed-items.js'
import { spaceSummary } from '../timeline/summary.js'
import { parseTimelineParams } from '../timeline/params.js'
import { TimelineIndex } from '../index/index.js'
import { indexLimits } from '../index/indexer/limits.js'
import { formatRelative } from '../render/format.js'
import { UsageError } from '../usage-error.js'

export interface TimelineOptions {
  configFlag?: string
  limit?: string
  space?: string
  json: boolean
}

/** `syncweb timeline`: reads the spaces once (no server, no watcher) and prints the newest items. */
export async function printTimeline(options: TimelineOptions): Promise<number> {
  const config = (await loadConfig(findConfigFile(options.configFlag))) ?? demoConfig()
  const search = new URLSearchParams()
  search.set('limit', options.limit ?? '20')
  if (options.space) search.set('space', options.space)
  const index = new TimelineIndex(indexLimits(config.limits, false))
  let query
  try {
    query = parseTimelineParams(search, paramsContext(config, index)).query
  } catch (error) {
    index.close()
    throw new UsageError(`--${(error as Error).message}`)
  }
  index.setSpaces(config.spaces)
  await index.ready()
  const { items } = index.store.query(query)
  const origin = `http://localhost:${config.port}`

  if (options.json) {
    const feed = jsonFeed(await feedItems(config, index, items, origin), {
      home: `${origin}/timeline`,
    })
    process.stdout.write(JSON.stringify(feed, null, 2) + '\n')
  } else {
    const width = process.stdout.columns || 100
    // The text starts in one column whatever the names' lengths.
    const nameWidth = Math.max(0, ...items.map((item) => item.space.length + 1))
    for (const item of items) {
      const head = `${formatRelative(item.date).padEnd(14)} ${`@${item.space}`.padEnd(nameWidth)}`
      const body = item.title ? `${item.title}: ${item.summary}` : item.text
      const line = `${head}  ${body.replace(/\s+/g, ' ')}`
      process.stdout.write((line.length > width ? line.slice(0, width - 1) + '…' : line) + '\n')
    }
    if (items.length === 0) process.stdout.write('No items yet.\n')
  }
  for (const space of config.spaces) {
    const summary = spaceSummary(config, index, space.name)
    if (!summary.online)
      process.stderr.write(`@${space.name}: ${summary.offline} (${space.root})\n`)
    else if (summary.problemCount) {
      process.stderr.write(
        `@${space.name}: ${summary.problemCount} file(s) skipped; syncweb spaces shows why\n`,
      )
    }
  }
  index.close()
  return 0
}

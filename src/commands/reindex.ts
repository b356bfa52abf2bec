import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { cacheHome, demoConfig, findConfigFile, loadConfig } from '../config/config.js'
import { TimelineIndex } from '../index/index.js'
import { indexLimits } from '../index/indexer/limits.js'
import { IndexBusy, openIndex } from '../index/store/db.js'
import { reportIndexing } from './progress.js'

/**
 * `syncweb reindex`: the index is a cache of the folders, so it can always be built again: the
 * file is removed and every folder read anew. Refused while a gateway holds the index.
 */
export async function reindex(configFlag?: string, cacheFlag?: string): Promise<number> {
  const config = (await loadConfig(findConfigFile(configFlag))) ?? demoConfig()
  const dir = cacheFlag ? resolve(cacheFlag) : (config.cacheDir ?? cacheHome())
  try {
    // Only to learn that no gateway holds it; then away with it.
    openIndex(dir).db.close()
  } catch (error) {
    if (error instanceof IndexBusy)
      throw new Error(
        `${error.message.replace(/; stop it.*$/, '')}; stop it first, then run syncweb reindex again`,
      )
    throw error
  }
  for (const suffix of ['', '-wal', '-shm', '.pid'])
    rmSync(join(dir, 'index.db' + suffix), { force: true })
  const index = new TimelineIndex(indexLimits(config.limits, false), { cacheDir: dir })
  for (const note of index.notes) process.stderr.write(`syncweb: index: ${note}\n`)
  process.stderr.write(`Building the index in ${dir} from ${config.spaces.length} space(s)…\n`)
  index.setSpaces(config.spaces)
  reportIndexing(index)
  await index.ready()
  // reportIndexing writes its summary on the same ready(); let it, then close.
  await new Promise((r) => setImmediate(r))
  index.close()
  return 0
}

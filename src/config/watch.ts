import { watch } from 'chokidar'
import { statSync } from 'node:fs'
import { ConfigError, loadConfig, type Config } from './config.js'

/**
 * Follows edits of the config file (by `syncweb follow`, or by hand) in a running server.
 * chokidar serves well here: one file, replaced by rename on every atomic write, possibly not
 * there yet. A broken edit keeps the last good configuration and reports why.
 */
export function watchConfig(
  file: string,
  onConfig: (config: Config) => void,
  onError: (message: string) => void,
  /** The mtime of the file as it was loaded: an edit before the watcher was ready is not lost. */
  loadedMtimeMs?: number,
): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const reload = () => {
    clearTimeout(timer)
    // Editors write in several steps; read once they are done.
    timer = setTimeout(async () => {
      try {
        const config = await loadConfig(file)
        if (config) onConfig(config)
      } catch (error) {
        onError(
          error instanceof ConfigError
            ? `${error.message}; keeping the last good configuration`
            : `cannot read ${file}: ${(error as Error).message}`,
        )
      }
    }, 100)
  }
  const watcher = watch(file, { ignoreInitial: true, awaitWriteFinish: false })
  watcher
    .on('ready', () => {
      if (mtimeOf(file) !== loadedMtimeMs) reload()
    })
    .on('add', reload)
    .on('change', reload)
    .on('error', (e) => onError(String(e)))
  return async () => {
    clearTimeout(timer)
    await watcher.close()
  }
}

function mtimeOf(file: string): number | undefined {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs
}

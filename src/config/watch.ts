import { statSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import { ConfigError, loadConfig, type Config } from './config.js'

/** What a version of the config file looks like from outside; undefined: there is no file. */
export function configVersion(file: string): string | undefined {
  try {
    const s = statSync(file, { bigint: true })
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`
  } catch {
    return undefined
  }
}

/**
 * Follows the config file in a running server: `syncweb follow` (a temp file renamed over it),
 * a hand edit, an editor's save (vim writes `.config.json.swp`, moves the file to `config.json~`
 * and writes a new one), and the file's first appearance — also in a folder that did not exist
 * when the server started, as on a fresh machine where the first `follow` creates
 * `~/.config/syncweb/`.
 *
 * Why a folder watch (`fs.watch`, one inotify watch) and not a watch of the file: a watch on a
 * file follows its inode, which a rename replaces, and no watch can be set on a path whose folder
 * does not exist. So the config's folder is watched, or while it does not exist the nearest
 * ancestor that does; the watch moves down as folders appear and back up if they go away.
 * A broken edit keeps the last good configuration and reports why; a removed file keeps it too.
 */
export function watchConfig(
  file: string,
  onConfig: (config: Config) => void,
  /** `refused`: the file's own error (field, rule with line and column), not a failed read. */
  onError: (message: string, refused?: ConfigError) => void,
  /** configVersion() of the file as it was loaded: an edit before the watch began is not lost. */
  loadedVersion?: string,
): () => Promise<void> {
  const folder = dirname(file)
  const name = basename(file)
  let seen = loadedVersion
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let current: { dir: string; ino: number; watcher: FSWatcher } | undefined
  let reported: string | undefined

  const check = () => {
    // Editors and sync tools write in several steps: read a moment later. Not postponed by
    // further events, so that a busy folder cannot keep it from happening; a write still under
    // way then brings another event, and another read.
    timer ??= setTimeout(() => {
      timer = undefined
      // Folders made between finding the nearest one and watching it brought no event: look
      // again, or the watch would stay above them and miss every later edit of the file.
      arm()
      void reload()
    }, 100)
  }
  const reload = async () => {
    const version = configVersion(file)
    if (version === seen || closed) return
    seen = version
    try {
      const config = await loadConfig(file)
      if (config && !closed) onConfig(config)
    } catch (error) {
      onError(
        error instanceof ConfigError
          ? `${error.message}; keeping the last good configuration`
          : `cannot read ${file}: ${(error as Error).message}`,
        error instanceof ConfigError ? error : undefined,
      )
    }
  }

  /** Watches the nearest existing folder on the way to the config file (no-op if it is). */
  const arm = () => {
    if (closed) return
    const { dir, ino } = nearestFolder(folder)
    // The same path may be a new folder (removed and made again): its watch would be dead.
    if (current?.dir === dir && current.ino === ino) return
    current?.watcher.close()
    current = undefined
    try {
      const watcher = watch(dir, (_event, changed) => {
        if (current?.watcher !== watcher) return
        // A folder on the way may have appeared (arm then looks for the file) or gone.
        arm()
        if (current?.dir === folder && (changed === null || changed === name)) check()
      })
      watcher.on('error', () => {
        // The folder went away (or became unreadable): watch from higher up.
        if (current?.watcher !== watcher) return
        watcher.close()
        current = undefined
        arm()
      })
      current = { dir, ino, watcher }
      reported = undefined
    } catch (error) {
      const message = `cannot watch ${dir} for changes of ${file}: ${(error as Error).message}; restart syncweb after editing the config`
      if (message !== reported) onError((reported = message))
    }
    // The file (or a folder on the way) may have appeared before this watch began.
    check()
  }

  arm()
  return async () => {
    closed = true
    clearTimeout(timer)
    current?.watcher.close()
    current = undefined
  }
}

/** `dir` if it is a folder, else its nearest ancestor that is (at worst the root). */
function nearestFolder(dir: string): { dir: string; ino: number } {
  for (;;) {
    try {
      const stats = statSync(dir, { throwIfNoEntry: false })
      if (stats?.isDirectory()) return { dir, ino: stats.ino }
    } catch {
      // Not searchable (EACCES): look higher up, where a watch can be set.
    }
    const up = dirname(dir)
    if (up === dir) return { dir, ino: -1 }
    dir = up
  }
}

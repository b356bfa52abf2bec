import { watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'
import { isHiddenName } from '../../spaces/sync-files.js'

/**
 * One inotify watch per folder of a space (not per file), added by the indexer for each folder
 * it walks. A folder watch reports every name created, replaced, renamed or deleted in it,
 * which is all the indexer needs: it looks at the named path and re-parses only that.
 *
 * Why neither chokidar nor `fs.watch(root, {recursive: true})`:
 * - chokidar watches every file as well (100 spaces × 1,000 files: ~860 MB and 100,100 of the
 *   192,536 inotify watches this machine allows) and re-reads a folder on every change;
 * - Node 20's recursive watcher on Linux loses a file once a sync tool has replaced it by
 *   rename (its later deletion and re-creation are never reported; test/live.test.ts has
 *   the case), and it watches hidden folders such as `.stversions` too.
 * Hidden names and the sync tools' partial files are dropped here, before any work is queued.
 */
export class TreeWatcher {
  #watchers = new Map<string, FSWatcher>()
  #closed = false

  constructor(
    readonly root: string,
    /** A path relative to the root that may have changed; `null`: rescan everything. */
    readonly onPath: (relative: string | null) => void,
    /** Watching failed (ENOSPC: out of inotify watches, EMFILE): the space falls back to rescans. */
    readonly onError: (error: Error) => void,
  ) {}

  get size(): number {
    return this.#watchers.size
  }

  /** Watches one folder ('' is the root). */
  add(dir: string) {
    if (this.#closed || this.#watchers.has(dir)) return
    let watcher: FSWatcher
    try {
      watcher = watch(join(this.root, dir), { persistent: false }, (_event, name) => {
        if (name === null || name === undefined) return this.onPath(dir || null)
        const file = name.toString()
        if (!isHiddenName(file)) this.onPath(dir ? `${dir}/${file}` : file)
      })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // The folder went away between being listed and being watched: its parent's watch says so.
      // One that cannot be read is the scan's problem to report; its parent's watch sees it
      // become readable (a change of its mode).
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return
      return this.onError(error as Error)
    }
    watcher.on('error', (error: NodeJS.ErrnoException) => {
      this.#drop(dir)
      if (error.code !== 'ENOENT' && error.code !== 'EPERM') this.onError(error)
    })
    this.#watchers.set(dir, watcher)
  }

  /** Stops watching a folder that is gone, and every folder under it. */
  remove(dir: string) {
    for (const path of [...this.#watchers.keys()]) {
      if (path === dir || path.startsWith(dir + '/')) this.#drop(path)
    }
  }

  close() {
    this.#closed = true
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
  }

  #drop(dir: string) {
    this.#watchers.get(dir)?.close()
    this.#watchers.delete(dir)
  }
}

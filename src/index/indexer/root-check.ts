import type { Stats } from 'node:fs'
import { statOrNothing } from '../../spaces/read.js'
import { openFolder } from '../../spaces/folder.js'

/** What a space's folder is now: its real path, or why it cannot be served. */
export type Root = { real: string } | { problem: string }

// A full check (real path, permissions) on every tick cost three file system calls a space a
// second: 12 % of a core for a gateway following 1,000 idle spaces, and the garbage of it kept
// V8 from ever shrinking its heap. A tick is one stat; the full check runs when that stat tells
// another folder (inode, owner, mode) or none, and every FULL_EVERY ticks for what a stat of
// the folder cannot see (a folder above it renamed under a symlink: same folder, new real path).
const FULL_EVERY = 10

/**
 * Watches a space's folder itself, which its own watcher cannot do reliably: every `everyMs`
 * it is looked at again, and `onChange` hears when it went away, came back or was replaced by
 * another folder (another real path or inode). `onTick` runs on every check that changed
 * nothing, for work on a timer (rescans of a space whose watcher failed).
 */
export class RootCheck {
  #real: string | undefined
  #inode: string | undefined
  /** What the last stat of the folder said (identity): ticks compare with it. */
  #seen: string | undefined
  #ticks = 0
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(
    readonly root: string,
    readonly onChange: (root: Root) => Promise<void>,
    readonly onTick: () => void = () => {},
  ) {}

  /** Checks once now; then every `everyMs` when given. */
  async start(everyMs?: number): Promise<void> {
    await this.check()
    if (everyMs === undefined || this.#stopped) return
    // Spaces start together: without a phase of their own, a thousand checks ran back to back
    // once a second, holding the server for a few ms each time.
    this.#timer = setTimeout(() => {
      this.#timer = setInterval(() => void this.check(), everyMs)
      this.#timer.unref()
    }, Math.random() * everyMs)
    this.#timer.unref()
  }

  stop() {
    this.#stopped = true
    clearTimeout(this.#timer)
    clearInterval(this.#timer)
  }

  async check(): Promise<void> {
    if (this.#real !== undefined && ++this.#ticks % FULL_EVERY !== 0) {
      if (identity(statOrNothing(this.root)) === this.#seen) return this.onTick()
    }
    const folder = await openFolder(this.root)
    const real = 'real' in folder ? folder.real : undefined
    const stats = real ? statOrNothing(real) : undefined
    const inode = stats && `${stats.dev}:${stats.ino}`
    this.#seen = identity(stats)
    if (real && real === this.#real && inode === this.#inode) return this.onTick()
    this.#real = real
    this.#inode = inode
    await this.onChange(folder)
  }
}

/** What tells one folder from another, and a folder from what it may no longer be read as. */
function identity(stats: Stats | undefined): string | undefined {
  if (!stats?.isDirectory()) return undefined
  return `${stats.dev}:${stats.ino}:${stats.mode}:${stats.uid}:${stats.gid}`
}

import { statSync } from 'node:fs'
import { openFolder } from '../../spaces/folder.js'

/** What a space's folder is now: its real path, or why it cannot be served. */
export type Root = { real: string } | { problem: string }

/**
 * Watches a space's folder itself, which its own watcher cannot do reliably: every `everyMs`
 * it is opened again, and `onChange` hears when it went away, came back or was replaced by
 * another folder (another real path or inode). `onTick` runs on every check that changed
 * nothing, for work on a timer (rescans of a space whose watcher failed).
 */
export class RootCheck {
  #real: string | undefined
  #ino: number | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(
    readonly root: string,
    readonly onChange: (root: Root) => Promise<void>,
    readonly onTick: () => void = () => {},
  ) {}

  /** Checks once now; then every `everyMs` when given. */
  async start(everyMs?: number): Promise<void> {
    await this.check()
    if (everyMs === undefined) return
    this.#timer = setInterval(() => void this.check(), everyMs)
    this.#timer.unref()
  }

  stop() {
    clearInterval(this.#timer)
  }

  async check(): Promise<void> {
    const folder = await openFolder(this.root)
    const real = 'real' in folder ? folder.real : undefined
    const ino = real ? inodeOf(real) : undefined
    if (real && real === this.#real && ino === this.#ino) return this.onTick()
    this.#real = real
    this.#ino = ino
    await this.onChange(folder)
  }
}

function inodeOf(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.ino
}

import { EventEmitter } from 'node:events'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../atomic.js'

export type Marked = 'timeline' | 'notifications'
export const MARKED: readonly Marked[] = ['timeline', 'notifications']

/** Up to when (ms, the time an item arrived) the user has read the timeline and notifications. */
export type Markers = Record<Marked, number>

/**
 * The read markers, in `read.json` of the state folder: never in a synced folder (a friend
 * would see what you read, and two devices would fight over it). A missing or unreadable file
 * means "read up to now" (a first start does not show everything as new), and a folder that
 * cannot be written keeps the markers in memory, with one warning.
 */
export class ReadMarkers extends EventEmitter<{ change: [] }> {
  #markers: Markers
  #version = 0
  #writing: Promise<void> = Promise.resolve()
  #warned = false

  private constructor(
    readonly file: string | undefined,
    markers: Markers,
  ) {
    super()
    this.#markers = markers
  }

  /** Reads the markers of a state folder (undefined: in memory only, as for tests). */
  static async open(dir: string | undefined, now = Date.now()): Promise<ReadMarkers> {
    const fresh = { timeline: now, notifications: now }
    if (dir === undefined) return new ReadMarkers(undefined, fresh)
    const file = join(dir, 'read.json')
    const markers = { ...fresh }
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
      for (const key of MARKED) {
        const value = data[key]
        if (typeof value === 'number' && Number.isFinite(value)) markers[key] = value
      }
    } catch {}
    return new ReadMarkers(file, markers)
  }

  get markers(): Readonly<Markers> {
    return this.#markers
  }

  /** Changes with every mark: a key for caches of pages that show what is unread. */
  get version(): number {
    return this.#version
  }

  /** Marks read up to `upTo` (never later than now), and keeps it (atomically). */
  async mark(what: Marked, upTo = Date.now()): Promise<Readonly<Markers>> {
    this.#markers = { ...this.#markers, [what]: Math.min(upTo, Date.now()) }
    this.#version++
    this.emit('change')
    const text = JSON.stringify(this.#markers, null, 2) + '\n'
    const file = this.file
    if (file) {
      // One write at a time, in order: the last mark wins on disk as in memory.
      this.#writing = this.#writing.then(async () => {
        try {
          await mkdir(join(file, '..'), { recursive: true })
          await writeFileAtomic(file, text)
        } catch (error) {
          if (!this.#warned)
            process.stderr.write(
              `syncweb: cannot keep read markers in ${file} (${(error as Error).message}); they last until syncweb stops\n`,
            )
          this.#warned = true
        }
      })
      await this.#writing
    }
    return this.#markers
  }
}

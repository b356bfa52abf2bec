import { closeSync, readSync, statSync, type Stats } from 'node:fs'
import { openInSpace, openInSpaceSync } from './open.js'

/**
 * A regular file's bytes, read through openInSpace, and the stats of that very descriptor;
 * undefined for a miss, or when it is over `maxBytes` or shrank while being read.
 */
export async function readInSpace(
  realRoot: string,
  path: string,
  maxBytes: number,
): Promise<{ body: Buffer; stats: Stats } | undefined> {
  const opened = await openInSpace(realRoot, path)
  if (!opened) return undefined
  const { handle, stats } = opened
  try {
    if (stats.size > maxBytes) return undefined
    const body = Buffer.alloc(stats.size)
    let offset = 0
    while (offset < stats.size) {
      const { bytesRead } = await handle.read(body, offset, stats.size - offset, offset)
      if (bytesRead === 0) return undefined
      offset += bytesRead
    }
    return { body, stats }
  } finally {
    await handle.close().catch(() => {})
  }
}

/**
 * readInSpace for the indexer (synchronous: its scans and workers read many small files, where
 * sync reads are ~5× faster). Says why a file cannot be parsed, for the space's problems.
 */
export function readInSpaceSync(
  realRoot: string,
  path: string,
  maxBytes: number,
): { text: string; version: FileVersion } | { problem: string; version?: FileVersion } {
  let opened
  try {
    opened = openInSpaceSync(realRoot, path)
  } catch (error) {
    return { problem: `cannot be read: ${(error as Error).message}` }
  }
  if (!opened) return { problem: 'is not a regular file inside the space' }
  const { fd, stats } = opened
  const version = { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino }
  try {
    if (stats.size > maxBytes) {
      const mb = (n: number) => (n / 2 ** 20).toFixed(1)
      return {
        problem: `is ${mb(stats.size)} MB, over the ${mb(maxBytes)} MB limit for parsing; it is served but not indexed`,
        version,
      }
    }
    const buffer = Buffer.allocUnsafe(stats.size)
    let offset = 0
    while (offset < stats.size) {
      const n = readSync(fd, buffer, offset, stats.size - offset, offset)
      if (n === 0) break
      offset += n
    }
    return { text: buffer.toString('utf8', 0, offset), version }
  } catch (error) {
    return { problem: `cannot be read: ${(error as Error).message}` }
  } finally {
    closeSync(fd)
  }
}

/** What tells one version of a file from another: a restart that finds it the same skips it. */
export interface FileVersion {
  size: number
  mtimeMs: number
  ino: number
}

/** Whether the file at `path` is still in version `was` (a stat: no read). */
export function isVersion(path: string, was: FileVersion): boolean {
  const now = statOrNothing(path)
  return now?.size === was.size && now.mtimeMs === was.mtimeMs && now.ino === was.ino
}

// Synchronous, as the scans' own reads are: a promise per space a second cost 24 µs each on the
// main thread, four times a synchronous stat.
export function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
}

import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { containedReal } from './resolve.js'
import { isHiddenName } from './sync-files.js'

export interface ListingEntry {
  name: string
  type: 'file' | 'folder'
  size: number
  /** ISO 8601 */
  modified: string
}

/**
 * The visible entries of a folder inside a space: hidden names and sync partials left out,
 * symlinks shown only when they lead to a file or folder inside the space. Folders first, then
 * by name, the way file managers sort.
 */
export async function listFolder(realRoot: string, dir: string): Promise<ListingEntry[]> {
  const dirents = await readdir(dir, { withFileTypes: true })
  const entries: ListingEntry[] = []
  await Promise.all(
    dirents.map(async (dirent) => {
      if (isHiddenName(dirent.name)) return
      const found = await containedReal(realRoot, join(dir, dirent.name))
      if (!found) return
      const folder = found.stats.isDirectory()
      entries.push({
        name: dirent.name,
        type: folder ? 'folder' : 'file',
        size: folder ? 0 : found.stats.size,
        modified: found.stats.mtime.toISOString(),
      })
    }),
  )
  return entries.sort(
    (a, b) =>
      Number(b.type === 'folder') - Number(a.type === 'folder') ||
      a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }) ||
      (a.name < b.name ? -1 : 1),
  )
}

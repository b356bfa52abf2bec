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
 * The most entries a listing shows. A synced folder can hold 100,000 files: resolving and
 * rendering them all took 11 s and a gigabyte; a page of this many is already more than anyone
 * scrolls. The rest are counted, not resolved.
 */
export const MAX_LISTING = 5000

export interface Listing {
  entries: ListingEntry[]
  /** Visible names in the folder, of which `entries` are the first MAX_LISTING (or all). */
  total: number
}

const byName = (a: string, b: string) =>
  a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : 1)

/**
 * The visible entries of a folder inside a space: hidden names and sync partials left out,
 * symlinks shown only when they lead to a file or folder inside the space. Folders first, then
 * by name, the way file managers sort.
 */
export async function listFolder(realRoot: string, dir: string): Promise<Listing> {
  const dirents = (await readdir(dir, { withFileTypes: true })).filter((d) => !isHiddenName(d.name))
  // Cut before resolving: folders (as far as the directory says) first, then by name.
  const shown = dirents
    .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || byName(a.name, b.name))
    .slice(0, MAX_LISTING)
  const entries: ListingEntry[] = []
  await Promise.all(
    shown.map(async (dirent) => {
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
  entries.sort(
    (a, b) => Number(b.type === 'folder') - Number(a.type === 'folder') || byName(a.name, b.name),
  )
  return { entries, total: dirents.length }
}

import { lstat, readdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { BoundedCache } from '../cache.js'
import { folderPath, openInSpace, statInSpace } from './open.js'
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

// One collator: `localeCompare` with options builds one per call, which was 598 ms of the
// 690 ms a 100,000-file listing took.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
const byName = (a: string, b: string) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)

interface Order {
  /** The first MAX_LISTING visible names, folders (as the folder says) first, then by name. */
  shown: string[]
  total: number
}

// A folder's order, by folder version: adding, removing or renaming an entry changes its mtime.
const orders = new BoundedCache<string, Order>(16 * 1024 * 1024, (order) =>
  order.shown.reduce((bytes, name) => bytes + name.length * 2 + 16, 0),
)
// Orders being computed: concurrent listings of one big folder share the work.
const pending = new Map<string, Promise<Order>>()

/**
 * The visible entries of a folder inside a space: hidden names and sync partials left out,
 * symlinks shown only when they lead to a file or folder inside the space. Folders first, then
 * by name, the way file managers sort. The folder is opened through the contained opener and
 * read through that descriptor; undefined when it is not a folder inside the space.
 */
export async function listFolder(realRoot: string, dir: string): Promise<Listing | undefined> {
  const opened = await openInSpace(realRoot, dir, 'folder')
  if (!opened) return undefined
  const { stats, handle, real } = opened
  const version = `${stats.dev}:${stats.ino}:${stats.mtimeMs}`
  let listing
  try {
    // Twenty clients listing one big folder at once share one listing.
    listing = listings.get(version)
    if (!listing) {
      listing = listingOf(realRoot, real, version, folderPath(handle.fd, real))
      listings.set(version, listing)
    }
    return await listing
  } finally {
    listings.delete(version)
    await handle.close().catch(() => {})
  }
}

const listings = new Map<string, Promise<Listing>>()

async function listingOf(realRoot: string, real: string, version: string, path: string) {
  const order = orders.get(version) ?? (await shared(version, () => orderOf(path)))
  const entries: ListingEntry[] = []
  await Promise.all(
    order.shown.map(async (name) => {
      const stats = await entryStats(realRoot, path, join(real, name))
      if (!stats) return
      const folder = stats.isDirectory()
      entries.push({
        name,
        type: folder ? 'folder' : 'file',
        size: folder ? 0 : stats.size,
        modified: stats.mtime.toISOString(),
      })
    }),
  )
  entries.sort(
    (a, b) => Number(b.type === 'folder') - Number(a.type === 'folder') || byName(a.name, b.name),
  )
  return { entries, total: order.total }
}

/**
 * An entry's stats, read through the folder's own descriptor (`path`): a file or folder there
 * is inside the space. A symlink is shown only when it leads inside, as proven by the opener,
 * so that not even the size of what it points at outside can be read from a listing.
 */
async function entryStats(realRoot: string, path: string, named: string) {
  const stats = await lstat(join(path, basename(named))).catch(() => undefined)
  if (!stats) return undefined
  if (stats.isFile() || stats.isDirectory()) return stats
  if (!stats.isSymbolicLink()) return undefined
  return (await statInSpace(realRoot, named))?.stats
}

function shared(version: string, make: () => Promise<Order>): Promise<Order> {
  let order = pending.get(version)
  if (!order) {
    order = make().then((made) => {
      orders.set(version, made)
      return made
    })
    pending.set(version, order)
    void order.finally(() => pending.delete(version)).catch(() => {})
  }
  return order
}

async function orderOf(path: string): Promise<Order> {
  const folders: string[] = []
  const files: string[] = []
  for (const dirent of await readdir(path, { withFileTypes: true })) {
    if (isHiddenName(dirent.name)) continue
    ;(dirent.isDirectory() ? folders : files).push(dirent.name)
  }
  // Cut before resolving: folders first, then by name. Only the first MAX_LISTING are sorted;
  // selecting them from 100,000 names takes ~40 ms, a full sort with the collator ~270 ms.
  const shown = firstInOrder(folders, MAX_LISTING)
  if (shown.length < MAX_LISTING) shown.push(...firstInOrder(files, MAX_LISTING - shown.length))
  return { shown, total: folders.length + files.length }
}

/** The first `k` names in `byName` order (quickselect, then a sort of those k); reorders `names`. */
export function firstInOrder(names: string[], k: number): string[] {
  if (names.length <= k) return names.slice().sort(byName)
  let lo = 0
  let hi = names.length - 1
  while (lo < hi) {
    const pivot = names[lo + Math.floor(Math.random() * (hi - lo + 1))]!
    let i = lo
    let j = hi
    while (i <= j) {
      while (byName(names[i]!, pivot) < 0) i++
      while (byName(names[j]!, pivot) > 0) j--
      if (i <= j) {
        ;[names[i], names[j]] = [names[j]!, names[i]!]
        i++
        j--
      }
    }
    if (k - 1 <= j) hi = j
    else if (k - 1 >= i) lo = i
    else break
  }
  return names.slice(0, k).sort(byName)
}

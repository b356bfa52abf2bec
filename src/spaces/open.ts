import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs'
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises'
import { isAbsolute, relative, sep } from 'node:path'
import { hasHiddenSegment } from './sync-files.js'

/**
 * The one way syncweb opens anything inside a space: open first, then prove where the open
 * descriptor lies. Checking a path and opening it later (time of check, time of use) lets a
 * friend swap a folder for a symlink in between — measured: hundreds of outside responses in
 * seconds with renames, thousands with `renameat2(RENAME_EXCHANGE)`. So every read (files,
 * ranges, Markdown, the indexer, feeds, listings, even the stats behind an ETag) goes through
 * here, and what was opened is checked after the fact:
 * - on Linux the path is first opened with `O_PATH`, which touches nothing (no device or FIFO
 *   outside the space is ever really opened); the descriptor's real path is read back from
 *   `/proc/self/fd/N` and must lie under the space's real root with no hidden segment; it must
 *   be a regular file or a folder (fstat); only then is that very inode opened for reading,
 *   through the descriptor (`/proc/self/fd/N`), not through the name again;
 * - elsewhere the name is opened and its real path accepted only when it leads to the very
 *   inode that was opened;
 * - `O_NONBLOCK` always, so that a FIFO swapped in never blocks a thread of the pool.
 */

// Expected misses: nothing servable at that path (or a loop, or a name too long).
const MISSES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EACCES', 'EPERM', 'ENXIO'])

const FILE_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY
const FOLDER_FLAGS = FILE_FLAGS | constants.O_DIRECTORY

const PROC_FD = existsSync('/proc/self/fd') ? '/proc/self/fd/' : undefined
// Linux's O_PATH (Node has no constant for it): a descriptor that names an inode without
// opening it, enough for fstat and for reading its path back.
const O_PATH = 0o10000000
const DELETED = ' (deleted)'

/** True when an open error means "nothing there" (a 404), not a failure of the machine. */
export function isMiss(error: unknown): boolean {
  return MISSES.has((error as NodeJS.ErrnoException).code ?? '')
}

/** Whether `real` (a real path) lies inside `realRoot` with no hidden segment on the way. */
export function isInside(realRoot: string, real: string): boolean {
  const rel = relative(realRoot, real)
  if (rel === '') return true
  if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return false
  return !hasHiddenSegment(rel)
}

export interface OpenedFile {
  handle: FileHandle
  stats: Stats
  /** The real path of what was opened. */
  real: string
}

/** What an open may find: a regular file, a folder, or either. */
export type Wanted = 'file' | 'folder' | 'either'

function fits(stats: Stats, wanted: Wanted): boolean {
  if (wanted === 'file') return stats.isFile()
  if (wanted === 'folder') return stats.isDirectory()
  return stats.isFile() || stats.isDirectory()
}

/**
 * Opens `path` (absolute) if what it leads to is a regular file (or a folder, as `wanted`
 * says) inside `realRoot`. undefined for a miss; other errors (EMFILE, EIO) throw. The caller
 * closes the handle.
 */
export async function openInSpace(
  realRoot: string,
  path: string,
  wanted: Wanted = 'file',
): Promise<OpenedFile | undefined> {
  const flags = wanted === 'folder' ? FOLDER_FLAGS : FILE_FLAGS
  let probe: FileHandle
  try {
    probe = await open(path, PROC_FD ? O_PATH : flags)
  } catch (error) {
    if (isMiss(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined
    throw error
  }
  let handle: FileHandle | undefined
  try {
    const stats = await probe.stat()
    if (!fits(stats, wanted)) return undefined
    const real = PROC_FD
      ? withoutDeleted(await readlink(PROC_FD + probe.fd))
      : await sameInode(path, stats)
    if (real === undefined || !isInside(realRoot, real)) return undefined
    handle = PROC_FD ? await open(PROC_FD + probe.fd, flags) : probe
    return { handle, stats, real }
  } catch (error) {
    if (isMiss(error)) return undefined
    throw error
  } finally {
    if (handle !== probe) await probe.close().catch(() => {})
  }
}

/** openInSpace for synchronous readers (the indexer's scans and its worker threads). */
export function openInSpaceSync(
  realRoot: string,
  path: string,
  wanted: Wanted = 'file',
): { fd: number; stats: Stats; real: string } | undefined {
  const flags = wanted === 'folder' ? FOLDER_FLAGS : FILE_FLAGS
  let probe: number
  try {
    probe = openSync(path, PROC_FD ? O_PATH : flags)
  } catch (error) {
    if (isMiss(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined
    throw error
  }
  let fd: number | undefined
  try {
    const stats = fstatSync(probe)
    if (!fits(stats, wanted)) return undefined
    const real = PROC_FD
      ? withoutDeleted(readlinkSync(PROC_FD + probe))
      : sameInodeSync(path, stats)
    if (real === undefined || !isInside(realRoot, real)) return undefined
    fd = PROC_FD ? openSync(PROC_FD + probe, flags) : probe
    return { fd, stats, real }
  } catch (error) {
    if (isMiss(error)) return undefined
    throw error
  } finally {
    if (fd !== probe) closeSync(probe)
  }
}

/**
 * What `path` is, proven on an open descriptor: its real path and stats when it is a regular
 * file or a folder inside `realRoot` with no hidden segment, else undefined. Symlinks are
 * followed, and what they lead to is checked like anything else.
 */
export async function statInSpace(
  realRoot: string,
  path: string,
): Promise<{ real: string; stats: Stats } | undefined> {
  const opened = await openInSpace(realRoot, path, 'either')
  if (!opened) return undefined
  await opened.handle.close().catch(() => {})
  return { real: opened.real, stats: opened.stats }
}

/**
 * A path that names the very folder a descriptor holds, for reading its entries: on Linux the
 * descriptor's own `/proc/self/fd/N`, so that a swap after the check cannot redirect `readdir`.
 */
export function folderPath(fd: number, real: string): string {
  return PROC_FD ? PROC_FD + fd : real
}

// A file removed (or replaced by rename) after it was opened reads back as "PATH (deleted)": it
// is still the file that was opened at PATH.
function withoutDeleted(link: string): string {
  return link.endsWith(DELETED) ? link.slice(0, -DELETED.length) : link
}

// Without /proc: the name's real path counts only if it still leads to the opened inode.
async function sameInode(path: string, opened: Stats): Promise<string | undefined> {
  const real = await realpath(path)
  const now = await stat(real)
  return now.ino === opened.ino && now.dev === opened.dev ? real : undefined
}

function sameInodeSync(path: string, opened: Stats): string | undefined {
  const real = realpathSync(path)
  const now = statSync(real)
  return now.ino === opened.ino && now.dev === opened.dev ? real : undefined
}

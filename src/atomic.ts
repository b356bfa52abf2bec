import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { link, lstat, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export interface AtomicOptions {
  mode?: number
  /**
   * Never replace an existing file: the write fails with `EEXIST` and leaves the existing file
   * and nothing else behind, so the caller can pick another name. Without it, the new file
   * replaces the old one (what editing the config wants).
   */
  noReplace?: boolean
}

/**
 * Write a file so that readers (and sync tools) see either the old bytes or the new ones, never
 * half: write a temp file in the same folder (same file system, so rename is atomic), fsync it,
 * then rename it over the target (or, with `noReplace`, link it to a name nobody has yet). The
 * temp name starts with a dot and ends in `.tmp`, which the sync tools and our own watcher
 * ignore. On any failure the temp file is removed.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicOptions = {},
): Promise<void> {
  await atomically(file, options, (handle) => handle.writeFile(data))
}

/** Copies `from` to `to` the way writeFileAtomic writes: whole or not at all. */
export async function copyFileAtomic(
  from: string,
  to: string,
  options: AtomicOptions = {},
): Promise<void> {
  await atomically(to, options, async (handle) => {
    // Each writeFile on a handle writes all of its bytes from the current position on.
    for await (const chunk of createReadStream(from)) await handle.writeFile(chunk as Buffer)
  })
}

async function atomically(
  file: string,
  options: AtomicOptions,
  fill: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const dir = dirname(file)
  await mkdir(dir, { recursive: true })
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  let handle: FileHandle | undefined
  try {
    handle = await open(temp, 'wx', options.mode ?? 0o644)
    await fill(handle)
    await handle.sync()
    await handle.close()
    handle = undefined
    if (options.noReplace) await placeNoReplace(temp, file)
    else await rename(temp, file)
  } catch (error) {
    await handle?.close().catch(() => {})
    await rm(temp, { force: true }).catch(() => {})
    throw error
  }
}

// link(2) errors that mean "this file system has no hard links" (FAT and exFAT on a memory
// stick, some FUSE and network mounts), not "this name is taken" or "no permission".
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])

/**
 * Gives the finished temp file its final name without ever replacing a file. `rename` replaces
 * silently and Node has no `renameat2(RENAME_NOREPLACE)`; `link` fails with EEXIST instead, and
 * the name appears at once with every byte already there. The temp name is then dropped.
 */
async function placeNoReplace(temp: string, file: string): Promise<void> {
  try {
    await link(temp, file)
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error
    return renameIfAbsent(temp, file)
  }
  // The file is in place; a temp name that could not be dropped is a hidden `.tmp` file that
  // every sync tool ignores, not a failed write.
  await rm(temp, { force: true }).catch(() => {})
}

// Final names this process is placing with renameIfAbsent right now.
const placing = new Set<string>()

/**
 * The fallback where hard links do not exist: check that the name is free, then rename. Taking
 * the name first with an empty `O_EXCL` file would be exclusive, but a sync tool could ship that
 * empty file as the status; so the check is a `lstat`, and names this process is placing are
 * held in `placing`, so that two writes of this process never both pass it. Another process
 * (a second `syncweb post`) could still slip in between check and rename: for that to matter it
 * would have to pick the same random name in the same second, as unlikely as a collision itself.
 */
export async function renameIfAbsent(temp: string, file: string): Promise<void> {
  if (placing.has(file)) throw exists(file)
  placing.add(file)
  try {
    const taken = await lstat(file).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false
        throw error
      },
    )
    if (taken) throw exists(file)
    await rename(temp, file)
  } finally {
    placing.delete(file)
  }
}

function exists(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists, '${file}'`), {
    code: 'EEXIST',
    syscall: 'rename',
    path: file,
  })
}

import { constants } from 'node:fs'
import { access, realpath, stat } from 'node:fs/promises'

/**
 * A space's folder: its real path, or why it cannot be served, as the end of "The folder of
 * NAME …" ("is missing", "is not a folder", "cannot be read (permission denied)").
 */
export async function openFolder(root: string): Promise<{ real: string } | { problem: string }> {
  try {
    const real = await realpath(root)
    if (!(await stat(real)).isDirectory()) return { problem: 'is not a folder' }
    await access(real, constants.R_OK | constants.X_OK)
    return { real }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM')
      return { problem: 'cannot be read (permission denied)' }
    if (code === 'ENOTDIR') return { problem: 'is not a folder' }
    if (code === 'ENOENT') return { problem: 'is missing' }
    return { problem: `cannot be opened (${code ?? 'unknown error'})` }
  }
}

/** The real path of a space's folder, or undefined when it is missing, not a folder or unreadable. */
export async function realFolder(root: string): Promise<string | undefined> {
  const folder = await openFolder(root)
  return 'real' in folder ? folder.real : undefined
}

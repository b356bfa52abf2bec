import { stat } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { NAME_RULE, normalizeName } from '../spaces/names.js'
import { UsageError } from '../usage-error.js'

/**
 * Following and unfollowing as raw config edits, shared by `syncweb follow`/`unfollow` and the
 * /settings API, so that both check the same things and say the same words. A refusal is a
 * UsageError: the CLI exits 2 with it, the API answers 400 with it; either way the message says
 * what to do next.
 */

type RawSpaces = Record<string, Record<string, unknown>>
type RawConfig = Record<string, unknown> & { spaces?: RawSpaces }

/** How the caller's user unfollows NAME, for the hint of a refusal (CLI and page differ). */
export type UnfollowHint = (name: string) => string

export const CLI_UNFOLLOW: UnfollowHint = (name) => `run syncweb unfollow ${name} first`

/** A valid name and an existing folder (relative to `base`), or a UsageError saying why not. */
export async function followTarget(
  input: string,
  folder: string,
  base = process.cwd(),
): Promise<{ name: string; root: string }> {
  const name = normalizeName(input.trim())
  if (!name) throw new UsageError(`"${input}" is not a valid space name: ${NAME_RULE}`)
  if (!folder.trim()) throw new UsageError('give the folder your sync tool shares')
  const root = isAbsolute(folder) ? resolve(folder) : resolve(base, folder)
  const stats = await stat(root).catch((error: NodeJS.ErrnoException) => error)
  if (stats instanceof Error) {
    const why = stats.code === 'ENOENT' ? 'does not exist' : `cannot be read (${stats.code})`
    throw new UsageError(
      `${root} ${why} and so is not a folder; give the folder your sync tool shares`,
    )
  }
  if (!stats.isDirectory())
    throw new UsageError(`${root} is not a folder; give the folder your sync tool shares`)
  return { name, root }
}

/** Adds NAME at ROOT to the raw config; true if it was followed there already. */
export function addFollow(raw: RawConfig, name: string, root: string, hint: UnfollowHint): boolean {
  const spaces = (raw.spaces ??= {})
  const existing = spaces[name]
  if (existing && typeof existing.path === 'string' && resolve(existing.path) !== root) {
    throw new UsageError(
      `${name} already follows ${existing.path}; ${hint(name)}, or pick another name`,
    )
  }
  // Keeps what the user wrote about the space (its title, keys a newer syncweb knows).
  spaces[name] = { ...existing, path: root }
  return existing !== undefined
}

/** Drops NAME from the raw config; an own space ("me") stops being one. Never touches a folder. */
export function removeFollow(raw: RawConfig, name: string): void {
  delete raw.spaces?.[name]
  if (raw.me === name) delete raw.me
  else if (Array.isArray(raw.me)) {
    const rest = (raw.me as unknown[]).filter((m) => m !== name)
    if (rest.length) raw.me = rest
    else delete raw.me
  }
}

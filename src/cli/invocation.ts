import { realpathSync } from 'node:fs'
import { delimiter, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/syncweb.js', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

const real = (path: string) => {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

/**
 * How the user runs this syncweb, for hints that name a command: `syncweb` when that name on
 * the PATH is this very program (installed), `npx syncweb` from the clone's folder, else the
 * script's own path. A hint naming a command the user does not have is worse than none.
 */
export function invocation(env = process.env, cwd = process.cwd()): string {
  const bin = real(BIN)
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && bin !== undefined && real(join(dir, 'syncweb')) === bin) return 'syncweb'
  }
  if (real(cwd) === real(ROOT)) return 'npx syncweb'
  const path = relative(cwd, BIN)
  return `node ${path.startsWith('..') || path === '' ? BIN : path}`
}

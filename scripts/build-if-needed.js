// Builds dist/ when it is missing or older than any source file, so `npm start` and the tests
// work from a fresh clone without a separate build step, and cost nothing when up to date.
// With --fresh (npm pack runs it: "prepack"), removes dist/ and builds it again, so that the
// package never ships a module whose source is gone.
import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

function newest(dir) {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

export function buildIfNeeded() {
  let built = 0
  try {
    built = statSync(join(root, 'dist', 'cli.js')).mtimeMs
  } catch {}
  if (built >= newest(join(root, 'src'))) return false
  process.stderr.write('Building syncweb (tsc)…\n')
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
  return true
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--fresh')) rmSync(join(root, 'dist'), { recursive: true, force: true })
  buildIfNeeded()
}

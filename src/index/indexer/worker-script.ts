import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * Where the parse workers' code is; undefined when it is not built. Tests run the TypeScript
 * sources, which a worker cannot load: they use the built copy.
 */
export function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url)
  const script = here.endsWith('.ts')
    ? fileURLToPath(new URL('../../../dist/index/indexer/worker.js', import.meta.url))
    : fileURLToPath(new URL('./worker.js', import.meta.url))
  return existsSync(script) ? script : undefined
}

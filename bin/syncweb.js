#!/usr/bin/env node
// The only place that calls process.exit: src/cli.ts returns the exit code. It never builds:
// an installed package ships dist/ (npm pack builds it), a clone builds with npm start or
// npm run build.
import { fileURLToPath } from 'node:url'

const entry = new URL('../dist/cli.js', import.meta.url)
let cli
try {
  cli = await import(entry.href)
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !error.message.includes(fileURLToPath(entry))) {
    throw error
  }
  const root = fileURLToPath(new URL('..', import.meta.url))
  process.stderr.write(`syncweb: not built yet: run npm run build (or npm start) in ${root}\n`)
  process.exit(1)
}
process.exitCode = await cli.main(process.argv.slice(2))

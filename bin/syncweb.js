#!/usr/bin/env node
// The only place that calls process.exit: src/cli.ts returns the exit code.
import { main } from '../dist/cli.js'

process.exitCode = await main(process.argv.slice(2))

import { readFileSync } from 'node:fs'
import { ConfigError } from '../config/config.js'
import { UsageError } from '../usage-error.js'
import type { Command } from './define.js'
import { commandHelp, mainHelp } from './help.js'
import { decide } from './parse.js'

/** The version in package.json (one folder above src/ and dist/, two above this one). */
export function version(): string {
  const pkg = new URL('../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

/**
 * Runs the command line against the declared commands and returns the exit code: 0 done,
 * 1 runtime failure, 2 bad usage or bad config. Errors are one line on stderr.
 */
export async function runCommandLine(
  argv: string[],
  commands: Readonly<Record<string, Command>>,
): Promise<number> {
  try {
    const decision = decide(argv, commands)
    switch (decision.kind) {
      case 'version':
        process.stdout.write(version() + '\n')
        return 0
      case 'help':
        process.stdout.write(
          decision.command
            ? commandHelp(decision.command, commands[decision.command]!)
            : mainHelp(commands, version()),
        )
        return 0
      case 'run':
        return (await commands[decision.command]!.run(decision.values, decision.args)) ?? 0
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `syncweb: config error: ${error.message}. Fix the file, then try again.\n`,
      )
      return 2
    }
    process.stderr.write(`syncweb: ${(error as Error).message}\n`)
    return error instanceof UsageError ? 2 : 1
  }
}

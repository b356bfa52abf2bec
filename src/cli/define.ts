/**
 * How a command of the CLI is declared. Each option carries its own help line and the name of
 * its value, so that a command cannot forget to describe one: `--help` and the usage line are
 * generated from these declarations (help.ts), and parsing is checked against them (parse.ts).
 */

export interface StringOption {
  readonly type: 'string'
  /** What the value is called in the usage line and the help: `--port N`. */
  readonly value: string
  readonly help: string
  readonly multiple?: boolean
  readonly short?: string
}

export interface BooleanOption {
  readonly type: 'boolean'
  readonly help: string
  readonly short?: string
}

export type OptionSpec = StringOption | BooleanOption

export interface ArgSpec {
  /** As shown in the usage line: `NAME`, `syncthing|resilio`. */
  readonly name: string
  readonly help: string
}

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>

export interface Command {
  /** One line, lowercase, no full stop: the list of `syncweb --help` shows it. */
  readonly summary: string
  /** More about the command, under the summary in `syncweb COMMAND --help`. */
  readonly about?: string
  /** Positional arguments, all required, in order. */
  readonly args?: readonly ArgSpec[]
  /** The command's own options; `config` here replaces the common `--config` (see import). */
  readonly options: Readonly<Record<string, OptionSpec>>
  /** Whole command lines, shown under "Examples:". */
  readonly examples: readonly [string, ...string[]]
  run(values: Values, args: string[]): Promise<number | void>
}

/** An option that takes a value: `port: option('N', 'the port to listen on')`. */
export function option(
  value: string,
  help: string,
  more: { multiple?: boolean; short?: string } = {},
): StringOption {
  return { type: 'string', value, help, ...more }
}

/** An option that is on or off: `json: flag('print JSON')`. */
export function flag(help: string, more: { short?: string } = {}): BooleanOption {
  return { type: 'boolean', help, ...more }
}

/** The value of a string option, or undefined. */
export function str(value: Values[string]): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** Options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: option(
    'FILE',
    'the config file (default: $SYNCWEB_CONFIG, else ~/.config/syncweb/config.json; ' +
      '$XDG_CONFIG_HOME is honoured)',
  ),
  help: flag('show this help', { short: 'h' }),
}

/** Options of `syncweb` itself, accepted anywhere. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: flag('show this help; syncweb help COMMAND (or COMMAND --help) for one command', {
    short: 'h',
  }),
  version: flag('print the version', { short: 'v' }),
}

/** The options of `syncweb NAME --help`, in its order: the command's own, then the common ones. */
export function optionsOf(command: Command): Record<string, OptionSpec> {
  return {
    ...command.options,
    config: command.options.config ?? COMMON_OPTIONS.config!,
    help: COMMON_OPTIONS.help!,
  }
}

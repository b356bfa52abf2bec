import { parseArgs } from 'node:util'
import { UsageError } from '../usage-error.js'
import { GLOBAL_OPTIONS, optionsOf, type Command, type OptionSpec, type Values } from './define.js'
import { usageLine } from './help.js'
import { closest } from './suggest.js'

/** What the command line asks for; run.ts does it. */
export type Decision =
  | { kind: 'version' }
  | { kind: 'help'; command?: string }
  | { kind: 'run'; command: string; values: Values; args: string[] }

type Specs = Record<string, OptionSpec>
type Token = ReturnType<typeof tokenize>[number]
type OptionToken = Token & { kind: 'option' }
type PositionalToken = Token & { kind: 'positional' }

/**
 * Reads `argv` against the declared commands. Node's parseArgs splits the tokens (non-strict);
 * the checks are ours, so that a mistake gets a message that names the option and what to do
 * ("unknown option --prot (did you mean --port?)"), not parseArgs' advice about positionals.
 * Options may come before or after the command and its arguments; no command means serve.
 */
export function decide(argv: string[], commands: Readonly<Record<string, Command>>): Decision {
  // First, find the command: every option of every command is known here, so that the value
  // of `--config FILE serve` is not taken for the command.
  const all: Specs = { ...GLOBAL_OPTIONS }
  for (const command of Object.values(commands)) Object.assign(all, optionsOf(command))
  const first = tokenize(argv, all)
  const named = first.find((t) => t.kind === 'positional')
  if (!named) {
    if (first.some((t) => t.kind === 'option' && t.name === 'version')) return { kind: 'version' }
    if (first.some((t) => t.kind === 'option' && t.name === 'help')) return { kind: 'help' }
  }
  const name = named?.value ?? 'serve'
  if (name === 'help') {
    const topic = first.find(
      (t): t is PositionalToken => t.kind === 'positional' && t.index > named!.index,
    )
    if (topic && !Object.hasOwn(commands, topic.value)) throw unknownCommand(topic.value, commands)
    return topic ? { kind: 'help', command: topic.value } : { kind: 'help' }
  }
  if (!Object.hasOwn(commands, name)) {
    // `syncweb --prot 1`: the mistyped option made its value look like a command.
    const unknown = first.find(
      (t): t is OptionToken => t.kind === 'option' && !Object.hasOwn(all, t.name),
    )
    if (unknown && unknown.index < named!.index) throw unknownOption(unknown, all, 'syncweb')
    throw unknownCommand(name, commands)
  }
  const command = commands[name]!

  const specs: Specs = { ...optionsOf(command), version: GLOBAL_OPTIONS.version! }
  const values: Values = {}
  const args: string[] = []
  for (const token of tokenize(argv, specs)) {
    if (token.kind === 'option-terminator') continue
    if (token.kind === 'positional') {
      if (token.index !== named?.index) args.push(token.value)
      continue
    }
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined
    if (!spec) throw unknownOption(token, specs, `syncweb ${name}`)
    if (spec.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`option ${token.rawName} takes no value`)
      values[token.name] = true
      continue
    }
    // parseArgs takes the next word as the value even when it is an option: `--port --open`.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
      throw new UsageError(
        `option ${token.rawName} needs a value: --${token.name} ${spec.value}` +
          (token.value === undefined
            ? ''
            : ` (a value that starts with "-": --${token.name}=VALUE)`),
      )
    }
    if (spec.multiple) ((values[token.name] ??= []) as string[]).push(token.value)
    else values[token.name] = token.value
  }
  if (values.version) return { kind: 'version' }
  if (values.help) return { kind: 'help', command: name }
  const wanted = command.args ?? []
  if (args.length !== wanted.length) {
    const problem =
      args.length < wanted.length
        ? `missing ${wanted
            .slice(args.length)
            .map((a) => a.name)
            .join(' ')}`
        : `unexpected argument "${args[wanted.length]}" (quote an argument that has spaces)`
    throw new UsageError(
      `${problem}; usage: ${usageLine(name, command)} (see syncweb ${name} --help)`,
    )
  }
  return { kind: 'run', command: name, values, args }
}

function tokenize(argv: string[], specs: Specs) {
  const options = Object.fromEntries(
    Object.entries(specs).map(([key, spec]) => [
      key,
      {
        type: spec.type,
        ...(spec.short ? { short: spec.short } : {}),
        ...(spec.type === 'string' && spec.multiple ? { multiple: true } : {}),
      },
    ]),
  )
  return parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true })
    .tokens
}

function unknownOption(token: OptionToken, specs: Specs, where: string) {
  const long = token.rawName.startsWith('--')
  const guess = long ? closest(token.name, Object.keys(specs)) : undefined
  return new UsageError(
    `unknown option ${token.rawName}${guess ? ` (did you mean --${guess}?)` : ''}; ` +
      `run ${where} --help to see the options`,
  )
}

function unknownCommand(name: string, commands: Readonly<Record<string, Command>>) {
  const guess = closest(name, Object.keys(commands))
  return new UsageError(
    `unknown command "${name}"${guess ? ` (did you mean ${guess}?)` : ''}; ` +
      'run syncweb --help to see the commands',
  )
}

import { GLOBAL_OPTIONS, optionsOf, type Command, type OptionSpec } from './define.js'

/** Every line of every help text fits a terminal of this width. */
export const WIDTH = 80
/** Option names longer than this get their help on the next line. */
const COLUMN = 24

/** `syncweb follow NAME FOLDER [--config FILE]`, from the command's declarations. */
export function usageLine(name: string, command: Command): string {
  return usageWords(name, command).join(' ')
}

function usageWords(name: string, command: Command): string[] {
  const options = Object.entries(optionsOf(command)).filter(([key]) => key !== 'help')
  return [
    'syncweb',
    name,
    ...(command.args ?? []).map((a) => a.name),
    ...options.map(([key, spec]) => `[${optionLabel(key, spec)}]${isMultiple(spec) ? '…' : ''}`),
  ]
}

/** `syncweb NAME --help`. */
export function commandHelp(name: string, command: Command): string {
  const usage = usageWords(name, command)
  const lead = `Usage: ${usage[0]} ${usage[1]} `
  const args = command.args ?? []
  return [
    ...fill(usage.slice(2), lead, ' '.repeat(lead.length)),
    '',
    ...wrap(`${capitalize(command.summary)}.${command.about ? ' ' + command.about : ''}`),
    ...(args.length
      ? [
          '',
          'Arguments:',
          ...args.flatMap((a) => row(a.name, a.help, columnFor(args.map((x) => x.name)))),
        ]
      : []),
    '',
    'Options:',
    ...optionRows(optionsOf(command)),
    '',
    'Examples:',
    ...command.examples.flatMap((e) => fill(e.split(' '), '  ', '      ')),
    '',
  ].join('\n')
}

/** `syncweb --help`: the commands, one line each, and the options of syncweb itself. */
export function mainHelp(commands: Readonly<Record<string, Command>>, version: string): string {
  const names = Object.keys(commands)
  const column = columnFor(names)
  return [
    ...wrap(
      `syncweb ${version}: browse the folders your friends share through Syncthing or ` +
        'Resilio Sync, as websites and one timeline.',
    ),
    '',
    'Usage: syncweb [COMMAND] [ARGUMENTS] [OPTIONS]   (no command: serve)',
    '',
    'Commands:',
    ...names.flatMap((name) => row(name, commands[name]!.summary, column)),
    '',
    'Options:',
    ...optionRows(GLOBAL_OPTIONS),
    '',
    ...wrap('Run syncweb help COMMAND (or syncweb COMMAND --help) for its options and examples.'),
    '',
  ].join('\n')
}

function optionRows(options: Readonly<Record<string, OptionSpec>>): string[] {
  const labels = Object.entries(options).map(([key, spec]) => [
    (spec.short ? `-${spec.short}, ` : '') + optionLabel(key, spec),
    spec.help + (isMultiple(spec) ? ' (repeat it for more)' : ''),
  ])
  const column = columnFor(labels.map(([label]) => label!))
  return labels.flatMap(([label, help]) => row(label!, help!, column))
}

function optionLabel(key: string, spec: OptionSpec): string {
  return spec.type === 'string' ? `--${key} ${spec.value}` : `--${key}`
}

function isMultiple(spec: OptionSpec): boolean {
  return spec.type === 'string' && spec.multiple === true
}

/** Where the descriptions start: after the longest label, within reason. */
function columnFor(labels: string[]): number {
  return Math.min(COLUMN, 2 + Math.max(...labels.map((l) => l.length)) + 2)
}

/** `  label   text…`, the text wrapped under itself; a long label gets the text below it. */
function row(label: string, text: string, column: number): string[] {
  const head = `  ${label}`
  const indent = ' '.repeat(column)
  if (head.length + 2 > column) return [head, ...wrap(text, indent, indent)]
  return wrap(text, head.padEnd(column), indent)
}

/** Words joined into lines of at most WIDTH columns (a longer word gets a line of its own). */
function wrap(text: string, first = '', rest = first): string[] {
  return fill(text.split(/\s+/).filter(Boolean), first, rest)
}

function fill(words: string[], first: string, rest: string): string[] {
  const lines: string[] = []
  let line = first
  let empty = true
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line)
      line = rest
      empty = true
    }
    line += (empty ? '' : ' ') + word
    empty = false
  }
  lines.push(line)
  return lines
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

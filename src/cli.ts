import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ConfigError } from './config/config.js'
import { UsageError } from './usage-error.js'

type Options = NonNullable<ParseArgsConfig['options']>
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

interface Command {
  usage: string
  summary: string
  options: Options
  /** One line per option, for `syncweb COMMAND --help`. */
  help?: string[]
  positionals: number
  run(values: Values, positionals: string[]): Promise<number | void>
}

const CONFIG_HELP =
  '  --config FILE   the config file (default: $SYNCWEB_CONFIG, else ~/.config/syncweb/config.json)'

const COMMANDS: Record<string, Command> = {
  serve: {
    usage: 'syncweb serve [--port N] [--host H] [--cache-dir DIR] [--config FILE] [--open]',
    summary: 'start the gateway and print its URL',
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      open: { type: 'boolean' },
      'cache-dir': { type: 'string' },
    },
    positionals: 0,
    run: async (v) =>
      (await import('./commands/serve.js')).serve({
        configFlag: str(v.config),
        port: str(v.port),
        host: str(v.host),
        open: v.open === true,
        cacheDir: str(v['cache-dir']),
      }),
  },
  reindex: {
    usage: 'syncweb reindex [--cache-dir DIR] [--config FILE]',
    summary: 'build the on-disk index again from the folders (stop the gateway first)',
    options: { 'cache-dir': { type: 'string' } },
    positionals: 0,
    run: async (v) =>
      (await import('./commands/reindex.js')).reindex(str(v.config), str(v['cache-dir'])),
  },
  follow: {
    usage: 'syncweb follow NAME FOLDER [--config FILE]',
    summary: 'add a space: serve FOLDER at /@NAME/',
    options: {},
    positionals: 2,
    run: async (v, [name, folder]) =>
      (await import('./commands/spaces.js')).follow(str(v.config), name!, folder!),
  },
  unfollow: {
    usage: 'syncweb unfollow NAME [--config FILE]',
    summary: 'remove a space (the folder is never touched)',
    options: {},
    positionals: 1,
    run: async (v, [name]) => (await import('./commands/spaces.js')).unfollow(str(v.config), name!),
  },
  post: {
    usage:
      'syncweb post TEXT [--space NAME] [--reply-to REF|URL|ID] [--image FILE] [--config FILE]',
    summary: 'publish a status update in your space ("me"), for your sync tool to share',
    options: {
      space: { type: 'string' },
      'reply-to': { type: 'string' },
      image: { type: 'string' },
    },
    positionals: 1,
    run: async (v, [text]) =>
      (await import('./commands/post.js')).post({
        configFlag: str(v.config),
        text: text!,
        space: str(v.space),
        replyTo: str(v['reply-to']),
        image: str(v.image),
      }),
  },
  profile: {
    usage:
      'syncweb profile [--name N] [--nick N] [--avatar FILE] [--description D] [--link URL]… [--config FILE]',
    summary: 'say who you are in profile.json of your space ("me"); no options: print it',
    options: {
      name: { type: 'string' },
      nick: { type: 'string' },
      avatar: { type: 'string' },
      description: { type: 'string' },
      link: { type: 'string', multiple: true },
    },
    help: [
      '  --name N          your name, as friends who gave you none see it (100 characters)',
      '  --nick N          one word friends mention you by, as @N',
      '  --avatar FILE     an image (png, jpg, gif, webp, svg; 1 MB at most), copied as avatar.EXT',
      '  --description D   a line about you (500 characters)',
      '  --link URL        a page of yours (http or https); repeat for more, all replace the old list',
      "                    Fields not given are kept; an empty value ('') removes that field.",
    ],
    positionals: 0,
    // Five options, each a field of the profile: the command reads them itself.
    run: async (v) => (await import('./commands/profile.js')).profileCommand(v),
  },
  import: {
    usage:
      'syncweb import syncthing|resilio [--config TOOL_CONFIG | --api URL --api-key KEY] [--dry-run] [--syncweb-config FILE]',
    summary:
      "follow every folder Syncthing or Resilio Sync shares (here --config is the tool's config.xml / sync.conf)",
    options: {
      api: { type: 'string' },
      'api-key': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'syncweb-config': { type: 'string' },
    },
    positionals: 1,
    run: async (v, [tool]) =>
      (await import('./commands/import.js')).importFolders({
        tool: tool!,
        toolConfig: str(v.config),
        api: str(v.api),
        apiKey: str(v['api-key']),
        dryRun: v['dry-run'] === true,
        syncwebConfig: str(v['syncweb-config']),
      }),
  },
  timeline: {
    usage: 'syncweb timeline [--limit N] [--space NAMES] [--json] [--config FILE]',
    summary: 'print the newest items of every space (or of NAMES, comma-separated)',
    options: { limit: { type: 'string' }, space: { type: 'string' }, json: { type: 'boolean' } },
    positionals: 0,
    run: async (v) =>
      (await import('./commands/timeline.js')).printTimeline({
        configFlag: str(v.config),
        limit: str(v.limit),
        space: str(v.space),
        json: v.json === true,
      }),
  },
  spaces: {
    usage: 'syncweb spaces [--json] [--config FILE]',
    summary: 'list the spaces: name, folder, online',
    options: { json: { type: 'boolean' } },
    positionals: 0,
    run: async (v) =>
      (await import('./commands/spaces.js')).listSpaces(str(v.config), v.json === true),
  },
}

const COMMON: Options = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
}

function str(value: Values[string]): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function version(): string {
  const pkg = new URL('../package.json', import.meta.url)
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

function mainHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length))
  return [
    'syncweb: browse the folders your friends share through Syncthing or Resilio Sync.',
    '',
    'Usage: syncweb [COMMAND] [OPTIONS]   (no command means serve)',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    CONFIG_HELP,
    '  -h, --help      show help (also: syncweb COMMAND --help)',
    '  -v, --version   print the version',
    '',
  ].join('\n')
}

function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage}`,
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    '',
    'Options:',
    ...(command.help ?? []),
    CONFIG_HELP,
    '  -h, --help      show this help',
    '',
  ].join('\n')
}

/** Runs the CLI and returns the exit code; the bin script is the only caller of process.exit. */
export async function main(argv: string[]): Promise<number> {
  try {
    // Every option of every command is known here, so that `--port 80 serve` finds `serve`.
    const all: Options = Object.assign({}, COMMON, ...Object.values(COMMANDS).map((c) => c.options))
    const first = parseArgs({ args: argv, options: all, allowPositionals: true, strict: false })
    const name = first.positionals[0] ?? 'serve'
    if (first.values.version && first.positionals.length === 0) {
      process.stdout.write(version() + '\n')
      return 0
    }
    if (first.values.help && first.positionals.length === 0) {
      process.stdout.write(mainHelp())
      return 0
    }
    const command = COMMANDS[name]
    if (!command)
      throw new UsageError(`unknown command "${name}"; run syncweb --help to see the commands`)
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON, ...command.options },
      allowPositionals: true,
      strict: true,
    })
    if (values.help) {
      process.stdout.write(commandHelp(command))
      return 0
    }
    const args = first.positionals.length ? positionals.slice(1) : positionals
    if (args.length !== command.positionals) {
      throw new UsageError(`expected: ${command.usage} (run syncweb ${name} --help)`)
    }
    return (await command.run(values, args)) ?? 0
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `syncweb: config error: ${error.message}. Fix the file, then try again.\n`,
      )
      return 2
    }
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`syncweb: ${(error as Error).message}\n`)
      return 2
    }
    process.stderr.write(`syncweb: ${(error as Error).message}\n`)
    return 1
  }
}

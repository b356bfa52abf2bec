import { flag, option, str, type Command } from './cli/define.js'
import { runCommandLine } from './cli/run.js'
import { DEVICE_COMMANDS, OWN_POST_COMMANDS } from './cli/personal.js'

/**
 * The commands of `syncweb`, in the order `syncweb --help` lists them. To add one, declare its
 * arguments, its options (each with its help line: `--help` and the usage line are made from
 * them), an example or two, and a `run` that imports its module when it runs (so that `--help`
 * and the other commands stay quick). Every command also takes `--config FILE` and `--help`.
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: {
    summary: 'start the gateway and print its URL (the default command)',
    about:
      'It indexes the spaces in the background (progress on stderr) and follows the config ' +
      'file: follow, unfollow and hand edits apply without a restart. With no config file it ' +
      'serves the demo spaces until the first syncweb follow.',
    options: {
      port: option(
        'N',
        'the port to listen on (default: "port" in the config, else 4747; 0 picks a free one)',
      ),
      host: option(
        'HOST',
        'the address to listen on (default: "host" in the config, else 127.0.0.1, this machine only)',
      ),
      open: flag('open the gateway in your browser once it listens'),
      'cache-dir': option(
        'DIR',
        'where the index is kept (default: "cacheDir" in the config, else $XDG_CACHE_HOME/syncweb, that is ~/.cache/syncweb)',
      ),
    },
    examples: ['syncweb serve --open', 'syncweb serve --port 8080 --config ~/syncweb.json'],
    run: async (v) =>
      (await import('./commands/serve.js')).serve({
        configFlag: str(v.config),
        port: str(v.port),
        host: str(v.host),
        open: v.open === true,
        cacheDir: str(v['cache-dir']),
      }),
  },
  follow: {
    summary: 'add a space: serve FOLDER at /@NAME/',
    about: 'A running gateway picks the change up within a second. The folder is only read.',
    args: [
      { name: 'NAME', help: "the space's name in URLs: 1-63 characters of a-z, 0-9 and -" },
      { name: 'FOLDER', help: 'the folder your sync tool keeps (it must exist)' },
    ],
    options: {},
    examples: ['syncweb follow alice ~/Sync/alice'],
    run: async (v, [name, folder]) =>
      (await import('./commands/spaces.js')).follow(str(v.config), name!, folder!),
  },
  unfollow: {
    summary: 'remove a space (the folder is never touched)',
    args: [{ name: 'NAME', help: 'the space to stop serving (syncweb spaces lists them)' }],
    options: {},
    examples: ['syncweb unfollow alice'],
    run: async (v, [name]) => (await import('./commands/spaces.js')).unfollow(str(v.config), name!),
  },
  spaces: {
    summary: 'list the spaces: name, status, items, last update, folder, problems',
    options: { json: flag('print JSON: the same fields as /api/spaces') },
    examples: ['syncweb spaces', 'syncweb spaces --json'],
    run: async (v) =>
      (await import('./commands/spaces.js')).listSpaces(str(v.config), v.json === true),
  },
  post: {
    summary: 'publish a status update in your space ("me"), for your sync tool to share',
    about: "It prints the new item's URL on the gateway.",
    args: [{ name: 'TEXT', help: 'what to say; quote it when it has spaces' }],
    options: {
      space: option(
        'NAME',
        'post in this space of yours instead of "me" (when "me" lists several)',
      ),
      'reply-to': option(
        'REF',
        'answer an item: its ref, its gateway URL (of the item or of its conversation page) or its JSON Feed id',
      ),
      image: option('FILE', 'attach an image; it is copied next to the status'),
    },
    examples: [
      'syncweb post "Tomatoes are ripe."',
      'syncweb post "Agreed!" --reply-to http://localhost:4747/@bob/status/hello.json',
    ],
    run: async (v, [text]) =>
      (await import('./commands/post.js')).post({
        configFlag: str(v.config),
        text: text!,
        space: str(v.space),
        replyTo: str(v['reply-to']),
        image: str(v.image),
      }),
  },
  ...OWN_POST_COMMANDS,
  profile: {
    summary: 'say who you are in profile.json of your space ("me"); no options: print it',
    about: "Fields not given are kept; an empty value ('') removes that field.",
    options: {
      name: option('N', 'your name, as friends who gave you none see it (100 characters)'),
      nick: option('N', 'one word friends mention you by, as @N'),
      avatar: option(
        'FILE',
        'an image (png, jpg, gif, webp, svg; 1 MB at most), copied as avatar.EXT',
      ),
      description: option('D', 'a line about you (500 characters)'),
      link: option('URL', 'a page of yours (http or https); the links given replace the old list', {
        multiple: true,
      }),
    },
    examples: ['syncweb profile --name Ann --nick ann --avatar ~/me.png', 'syncweb profile'],
    // Five options, each a field of the profile: the command reads them itself.
    run: async (v) => (await import('./commands/profile.js')).profileCommand(v),
  },
  import: {
    summary: 'follow every folder that Syncthing or Resilio Sync shares',
    about:
      "Each folder becomes a space named after its label. Here --config is the sync tool's config file; syncweb's own is --syncweb-config.",
    args: [{ name: 'syncthing|resilio', help: 'the sync tool to ask' }],
    options: {
      config: option(
        'FILE',
        "the sync tool's config: Syncthing's config.xml (default: ~/.local/state/syncthing/config.xml, else ~/.config/syncthing/config.xml), or Resilio Sync's sync.conf (required for resilio)",
      ),
      api: option('URL', "ask a running Syncthing's REST API instead, e.g. http://127.0.0.1:8384"),
      'api-key': option('KEY', 'the key for --api (Syncthing: Actions, Settings, API Key)'),
      'dry-run': flag('show what would be followed; write nothing'),
      'syncweb-config': option(
        'FILE',
        "syncweb's own config file, to add the spaces to (default: $SYNCWEB_CONFIG, else ~/.config/syncweb/config.json)",
      ),
    },
    examples: [
      'syncweb import syncthing --dry-run',
      'syncweb import syncthing --api http://127.0.0.1:8384 --api-key KEY',
      'syncweb import resilio --config ~/.config/resilio-sync/sync.conf',
    ],
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
    summary: 'print the newest items of every space, or of some',
    about: 'It reads the folders itself: no running gateway is needed.',
    options: {
      limit: option('N', 'how many items (1-200; default 20)'),
      space: option('NAMES', 'only these spaces, comma-separated: alice,bob'),
      json: flag('print a JSON Feed, as /timeline.json'),
    },
    examples: ['syncweb timeline --limit 5', 'syncweb timeline --space alice,bob --json'],
    run: async (v) =>
      (await import('./commands/timeline.js')).printTimeline({
        configFlag: str(v.config),
        limit: str(v.limit),
        space: str(v.space),
        json: v.json === true,
      }),
  },
  reindex: {
    summary: 'build the on-disk index again from the folders (stop the gateway first)',
    options: {
      'cache-dir': option(
        'DIR',
        'where the index is kept (default: "cacheDir" in the config, else ~/.cache/syncweb)',
      ),
    },
    examples: ['syncweb reindex'],
    run: async (v) =>
      (await import('./commands/reindex.js')).reindex(str(v.config), str(v['cache-dir'])),
  },
  service: {
    summary: 'install or remove a systemd user unit that runs syncweb serve',
    about:
      'install writes ~/.config/systemd/user/syncweb.service ($XDG_CONFIG_HOME is honoured) ' +
      'for this node and this syncweb, and prints how to start it and see its log.',
    args: [{ name: 'install|uninstall', help: 'write the unit, or remove it' }],
    options: {
      config: option(
        'FILE',
        'the config file the service is to serve (default: the one syncweb serve finds: $SYNCWEB_CONFIG, else ~/.config/syncweb/config.json)',
      ),
    },
    examples: ['syncweb service install', 'syncweb service uninstall'],
    run: async (v, [action]) =>
      (await import('./commands/service.js')).service(action!, str(v.config)),
  },
  ...DEVICE_COMMANDS,
}

/** Runs the CLI and returns the exit code; the bin script is the only caller of process.exit. */
export function main(argv: string[]): Promise<number> {
  return runCommandLine(argv, COMMANDS)
}

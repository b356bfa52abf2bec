import { flag, option, str, type Command } from './define.js'

/**
 * Commands about what is yours: your own status updates, and the devices you let in. Kept apart
 * from cli.ts so that each list stays readable; cli.ts places them in `syncweb --help`.
 */
export const OWN_POST_COMMANDS: Readonly<Record<string, Command>> = {
  edit: {
    summary: 'change the text of one of your status updates (its ref stays, replies too)',
    about:
      'The file is rewritten atomically in your space, and your sync tool carries the change ' +
      'to friends. Only your own spaces ("me") are searched; a friend\'s folder is never touched.',
    args: [
      {
        name: 'REF',
        help: 'the status: its ref (_syncweb.ref), its gateway URL or its JSON Feed id',
      },
      { name: 'TEXT', help: 'the new text; quote it when it has spaces' },
    ],
    options: {},
    examples: ['syncweb edit 3f2a9c0e1b7d4a56 "Tomatoes are ripe (the red ones)."'],
    run: async (v, [ref, text]) =>
      (await import('../commands/own-posts.js')).editPost(str(v.config), ref!, text!),
  },
  delete: {
    summary: 'delete one of your status updates (and its attached image)',
    about:
      'Friends see it disappear once your sync tool has shared the change; replies to it stay ' +
      'in their conversation.',
    args: [
      {
        name: 'REF',
        help: 'the status: its ref (_syncweb.ref), its gateway URL or its JSON Feed id',
      },
    ],
    options: {},
    examples: ['syncweb delete 3f2a9c0e1b7d4a56'],
    run: async (v, [ref]) =>
      (await import('../commands/own-posts.js')).deletePost(str(v.config), ref!),
  },
}

export const DEVICE_COMMANDS: Readonly<Record<string, Command>> = {
  pair: {
    summary: 'let a phone or another computer post and reply: print a one-time code',
    about:
      'Asks the running gateway for a code of 6 digits, good for 5 minutes and for one device, ' +
      'which enters it at /pair. Devices that are not paired can only read. Settings and ' +
      'follows stay on this computer.',
    options: {
      'no-wait': flag('print the code and return; do not wait for the device'),
    },
    examples: ['syncweb pair', 'syncweb pair --no-wait'],
    run: async (v) =>
      (await import('../commands/pair.js')).pair({
        configFlag: str(v.config),
        wait: v['no-wait'] !== true,
      }),
  },
  devices: {
    summary: 'list the paired devices, or revoke one',
    about: 'A revoked device is refused at once; pair it again to let it back in.',
    options: {
      revoke: option('NAME', 'revoke the device of this name (or id): it can only read again'),
      json: flag('print JSON: name, id, when paired, when last seen'),
    },
    examples: ['syncweb devices', 'syncweb devices --revoke "Ann\'s phone"'],
    run: async (v) =>
      (await import('../commands/pair.js')).devices({
        revoke: str(v.revoke),
        json: v.json === true,
      }),
  },
}

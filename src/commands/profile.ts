import { findConfigFile, findSpace, loadConfig } from '../config/config.js'
import { meSpaces } from '../people/names.js'
import { PublishError } from '../publish.js'
import { readProfileFile, writeProfile, type ProfileChanges } from '../publish-profile.js'
import { UsageError } from '../usage-error.js'

export interface ProfileOptions extends ProfileChanges {
  configFlag?: string
}

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>

/** `syncweb profile` from the parsed command line (cli.ts). */
export function profileCommand(v: Values): Promise<number> {
  const str = (value: Values[string]) => (typeof value === 'string' ? value : undefined)
  return profile({
    configFlag: str(v.config),
    name: str(v.name),
    nick: str(v.nick),
    avatar: str(v.avatar),
    description: str(v.description),
    links: Array.isArray(v.link) ? v.link.filter((l) => typeof l === 'string') : undefined,
  })
}

/**
 * `syncweb profile`: who you are, in `profile.json` at the root of your space ("me"), for
 * your sync tool to share. Without options it prints the profile as it is.
 */
export async function profile(options: ProfileOptions): Promise<number> {
  const { configFlag, ...changes } = options
  const file = findConfigFile(configFlag)
  const config = await loadConfig(file)
  const me = config ? meSpaces(config)[0] : undefined
  const space = config && findSpace(config, me)
  if (!space) {
    throw new UsageError(
      config
        ? `no space of your own: set "me" in ${file} to the name of your space (syncweb spaces lists them), then run syncweb profile again`
        : `no config at ${file}: follow your own folder with syncweb follow NAME FOLDER, set "me" to NAME in that file, then run syncweb profile again`,
    )
  }
  try {
    if (Object.values(changes).every((v) => v === undefined)) {
      const current = await readProfileFile(space.root)
      process.stdout.write(
        Object.keys(current).length
          ? JSON.stringify(current, null, 2) + '\n'
          : `${space.name} has no profile.json yet; set one with syncweb profile --name NAME (see syncweb profile --help).\n`,
      )
      return 0
    }
    const written = await writeProfile(space.root, changes)
    if (written.avatar) process.stdout.write(`Copied ${changes.avatar} to ${written.avatar}\n`)
    process.stdout.write(
      `Wrote ${written.file}:\n${JSON.stringify(written.profile, null, 2)}\n` +
        'Your sync tool shares it with your friends.\n',
    )
    return 0
  } catch (error) {
    if (error instanceof PublishError) throw new UsageError(error.message)
    const code = (error as NodeJS.ErrnoException).code
    if (code)
      throw new Error(
        `could not write to your space's folder ${space.root}: ${(error as Error).message}. profile.json was left as it was.`,
      )
    throw error
  }
}

import { findSpace, type Config } from './config.js'

/** The user's own spaces (`me`: one name or a list), in the order the config gives them. */
export function meSpaces(config: Config): string[] {
  const me: unknown = config.me
  const list: unknown[] = Array.isArray(me) ? me : [me]
  return [...new Set(list.filter((m): m is string => typeof m === 'string' && m !== ''))]
}

/** The space a post goes to: `wanted` if it is one of mine, else my first; why not, else. */
export function ownSpace(
  config: Config,
  wanted?: string,
): { name: string; root: string } | { problem: string } {
  const mine = meSpaces(config)
  if (!mine.length)
    return {
      problem:
        'set "me" in the config to the name of your own space (the folder you share), as "me": "NAME", or tick "This space is yours" for it on /settings',
    }
  const name = wanted ?? mine[0]!
  if (!mine.includes(name)) {
    const known = findSpace(config, name) !== undefined
    return {
      problem: known
        ? `@${name} is not one of your own spaces ("me": ${mine.map((m) => `"${m}"`).join(', ')}); posting into a friend's folder would make changes and conflicts in their sync`
        : `no space named "${name}"; syncweb spaces lists them`,
    }
  }
  const space = findSpace(config, name)!
  return { name: space.name, root: space.root }
}

/**
 * What in a valid config is probably a mistake, as lines for the log: unknown keys (with the
 * nearest known one), and the same folder followed under two names (its items would show
 * twice, and a post into one is a change in the other).
 */
export function configWarnings(config: Config): string[] {
  const warnings = [...(config.warnings ?? [])]
  const byFolder = new Map<string, string[]>()
  for (const space of config.spaces) {
    const names = byFolder.get(space.root) ?? []
    byFolder.set(space.root, [...names, space.name])
  }
  for (const [folder, names] of byFolder)
    if (names.length > 1)
      warnings.push(
        `${folder} is followed under ${names.length} names (${names.map((n) => '@' + n).join(', ')}): unfollow all but one`,
      )
  return warnings
}

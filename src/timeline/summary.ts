import { findSpace, type Config } from '../config/config.js'
import { meSpaces } from '../config/me.js'
import type { TimelineIndex } from '../index/index.js'
import type { SpaceState } from '../index/indexer/space-facts.js'
import { profileOf, type ResolvedProfile } from '../people/profile.js'
import { safeHttpUrl } from '../safe-url.js'
import { normalizeName } from '../spaces/names.js'

/** One entry of whom a space follows, as pages and the API show it. */
export interface FollowView {
  name: string
  title?: string
  syncthing?: string
  resilio?: string
  /** Only ever an http(s) URL that passed safeHttpUrl. */
  url?: string
  /** The user's own name for that space, when the user follows it too. */
  space?: string
}

/** A space as `/api/spaces` and `syncweb spaces --json` show it (the same fields). */
export interface SpaceSummary {
  name: string
  /** False in the `space` event of a space just unfollowed. */
  followed: boolean
  title: string
  path: string
  me: boolean
  online: boolean
  status: SpaceState['status']
  degraded?: string
  /** Why it is offline: "the folder is missing". */
  offline?: string
  items: number
  lastUpdated: string | null
  files: number
  follows: FollowView[]
  /**
   * Who the space says it is (people/profile.ts profileOf), and from which file; `avatar` is a
   * path in the space. Absent when none of its files says.
   */
  profile?: ResolvedProfile
  problems: SpaceState['problems']
  /** Skipped files in all (`problems` lists the first 1,000). */
  problemCount: number
}

/** A followed space's summary: where it is, whether it is there, what is wrong with it. */
export function spaceSummary(config: Config, index: TimelineIndex, name: string): SpaceSummary {
  const settings = findSpace(config, name)
  const state = index.space(name) ?? {
    status: 'offline' as const,
    files: 0,
    problems: [],
    problemCount: 0,
  }
  const stats = index.store.statsOf(name)
  const profile = profileOf(state)
  return {
    name,
    followed: settings !== undefined,
    title: settings?.title ?? name,
    path: settings?.root ?? '',
    me: meSpaces(config).includes(name),
    online: state.status !== 'offline',
    status: state.status,
    ...(state.degraded ? { degraded: state.degraded } : {}),
    ...(state.offline ? { offline: `the folder ${state.offline}` } : {}),
    items: stats.items,
    lastUpdated: stats.lastUpdated !== undefined ? new Date(stats.lastUpdated).toISOString() : null,
    files: state.files,
    follows: followsOf(config, state),
    ...(profile ? { profile } : {}),
    // Read when asked for: the home page shows only the count.
    get problems() {
      return state.problems
    },
    problemCount: state.problemCount,
  }
}

/**
 * Whom a space follows: its follows.json, then its twtxt `# follow =` lines. Names the user
 * follows too carry `space`, their name here, so pages can link to them. A `url` is kept only
 * when safeHttpUrl accepts it (the parsers already checked; this is where it becomes a link, so
 * no other source of follows can bring a `javascript:` one), else the name shows as text.
 */
export function followsOf(config: Config, state: SpaceState): FollowView[] {
  const listed = [
    ...(state.follows ?? []),
    ...(state.twtxt?.follows ?? []).map((f) => ({ name: f.nick, url: f.url })),
  ]
  const seen = new Set<string>()
  return listed
    .filter((f) => !seen.has(f.name.toLowerCase()) && seen.add(f.name.toLowerCase()))
    .map(({ url: raw, ...f }) => {
      const url = safeHttpUrl(raw)
      const local = normalizeName(f.name)
      const followed = local && findSpace(config, local) ? local : undefined
      return { ...f, ...(url ? { url } : {}), ...(followed ? { space: followed } : {}) }
    })
}

// An absolute path after a space, a quote, a bracket or the start: `/home/ada/Sync/x.md`.
const ABSOLUTE_PATH = /(^|[\s'"(=])\/[^\s'"()]+/g

/**
 * A summary as another device of the network sees it (SECURITY.md "Devices"): no folder path,
 * and no absolute path in any reason (an error message can name one); paths inside the space
 * stay, as they are the space's own.
 */
export function summaryForDevice({
  path: _path,
  ...summary
}: SpaceSummary): Omit<SpaceSummary, 'path'> {
  const redact = (text: string) => text.replace(ABSOLUTE_PATH, '$1…')
  return {
    ...summary,
    ...(summary.degraded ? { degraded: redact(summary.degraded) } : {}),
    ...(summary.offline ? { offline: redact(summary.offline) } : {}),
    problems: summary.problems.map(({ file, reason }) => ({ file, reason: redact(reason) })),
  }
}

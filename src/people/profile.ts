import type { SpaceState } from '../index/indexer/space-facts.js'
import {
  cleanText,
  LOCAL_BASE,
  MAX_DESCRIPTION,
  MAX_LINKS,
  MAX_NAME,
  siteFilePath,
} from '../index/parsers/profile-fields.js'
import { safeHttpUrl } from '../safe-url.js'

/** Where a space's profile comes from, in the order they are asked. */
export type ProfileSource = 'profile.json' | 'twtxt.txt' | 'index.html'

/** Who a space says it is, from its own files (not yet the user's name for it: see personOf). */
export interface ResolvedProfile {
  /** The first source, in order, that gave any field. */
  source: ProfileSource
  /** The friend's own name for themselves. */
  name?: string
  nick?: string
  /** A path in the space (`img/me.png`); the gateway serves it at `/@NAME/img/me.png`. */
  avatar?: string
  description?: string
  /** Only http(s) URLs that passed safeHttpUrl. */
  links: Array<{ title?: string; url: string }>
}

type Fields = Omit<ResolvedProfile, 'source' | 'links'> & { links?: ResolvedProfile['links'] }

/**
 * Who a space says it is (DESIGN.md "Conversations and people"): its `profile.json`, else its
 * twtxt metadata (`# nick`, `# avatar`, `# description`, `# link`), else its root `index.html`
 * (`<title>`, `<link rel="icon">`, `<meta name="description">`). Field by field: a
 * profile.json without an avatar takes twtxt's, then the home page's icon; a friend who wrote
 * one field in profile.json should not lose the rest they already publish elsewhere. The name is
 * profile.json's `name`, else its `nick`, else twtxt's `# nick`, else the page's title.
 * Undefined when no source says anything.
 *
 * A twtxt `# avatar` is usually an absolute URL: it counts only when it is a file of the space,
 * on the same host and under the folder of the feed's `# url` (or relative to it).
 */
export function profileOf(state: SpaceState | undefined): ResolvedProfile | undefined {
  if (!state) return undefined
  const sources: Array<[ProfileSource, Fields]> = [
    ['profile.json', fromProfileJson(state)],
    ['twtxt.txt', fromTwtxt(state)],
    ['index.html', fromHome(state)],
  ]
  const giving = sources.filter(([, fields]) => Object.keys(fields).length > 0)
  if (!giving.length) return undefined
  const first = <K extends keyof Fields>(key: K): Pick<Fields, K> => {
    const found = giving.find(([, fields]) => fields[key] !== undefined)
    return (found ? { [key]: found[1][key] } : {}) as Pick<Fields, K>
  }
  return {
    source: giving[0]![0],
    ...first('name'),
    ...first('nick'),
    ...first('avatar'),
    ...first('description'),
    links: first('links').links ?? [],
  }
}

function fromProfileJson({ profile }: SpaceState): Fields {
  if (!profile) return {}
  const name = profile.name ?? profile.nick
  return {
    ...(name ? { name } : {}),
    ...(profile.nick ? { nick: profile.nick } : {}),
    ...(profile.avatar ? { avatar: profile.avatar } : {}),
    ...(profile.description ? { description: profile.description } : {}),
    ...(profile.links?.length ? { links: profile.links.map((url) => ({ url })) } : {}),
  }
}

function fromTwtxt({ twtxt }: SpaceState): Fields {
  if (!twtxt) return {}
  // twtxt.ts bounds these to 4 KB only: who a space is gets the tighter bounds of profile.json.
  const nick = cleanText(twtxt.nick, MAX_NAME)
  const description = cleanText(twtxt.description, MAX_DESCRIPTION)
  const base = safeHttpUrl(twtxt.url) ?? `${LOCAL_BASE}twtxt.txt`
  const avatar = siteFilePath(twtxt.avatar, base)
  const links: ResolvedProfile['links'] = []
  for (const link of twtxt.links ?? []) {
    const url = safeHttpUrl(link.url)
    const title = cleanText(link.title, MAX_NAME)
    if (url && links.length < MAX_LINKS) links.push({ ...(title ? { title } : {}), url })
  }
  return {
    ...(nick ? { name: nick, nick } : {}),
    ...(avatar ? { avatar } : {}),
    ...(description ? { description } : {}),
    ...(links.length ? { links } : {}),
  }
}

function fromHome({ home }: SpaceState): Fields {
  if (!home) return {}
  return {
    ...(home.title ? { name: home.title } : {}),
    ...(home.icon ? { avatar: home.icon } : {}),
    ...(home.description ? { description: home.description } : {}),
  }
}

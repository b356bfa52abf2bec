import type { Context } from 'hono'
import { formatRelative } from '../../render/format.js'
import { renderPage } from '../../render/templates.js'
import { spaceSummary, type SpaceSummary } from '../../timeline/summary.js'
import { muteQuery } from '../../timeline/params.js'
import { meSpaces } from '../../config/me.js'
import { personOf } from '../../people/index.js'
import { writerOf } from './guard.js'
import { hueOf, itemView } from './item-view.js'
import { unreadNotifications } from './page-chrome.js'
import { viewContext } from './view-context.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { GATEWAY_HEADERS } from '../headers.js'
import { spaceOrigin } from '../server/host.js'
import { addressedOf } from '../server/request.js'

const LATEST = 10

/** `GET /`: every space (title, status, item count, last update, link) and the latest items. */
export function homePage(state: GatewayState) {
  return async function home(c: Context<GatewayEnv>) {
    const { to, client } = addressedOf(c, state)
    const { config } = state
    // Straight to the space's own origin, where root-absolute links of a real blog work (only
    // this machine can reach NAME.localhost).
    const subdomains = config.isolation === 'subdomain' && !(to.kind === 'gateway' && to.remote)
    const spaceHref = (name: string) =>
      subdomains ? spaceOrigin(name, to.port) + '/' : `/@${name}/`
    // What the indexer knows (it checks every folder each second): the page reads no disk.
    const spaces = config.spaces.map((space) => {
      const summary = spaceSummary(config, state.index, space.name)
      const person = personOf(config, state.index, space.name)
      return {
        name: space.name,
        title: summary.title,
        // Who the space says it is (people/): an avatar, its own name when it differs.
        person,
        // Folder paths are for the user's eyes: never another device's.
        path: client === 'user' ? space.root : '',
        online: summary.online,
        // "folder missing: PATH", "folder cannot be read (permission denied): PATH"
        offline: summary.online
          ? ''
          : (summary.offline ?? 'the folder is missing').replace(/^the folder (is )?/, 'folder '),
        href: spaceHref(space.name),
        initial: summary.title.slice(0, 1).toUpperCase(),
        hue: hueOf(space.name),
        follows: summary.follows.map((f) => ({
          label: f.title ?? f.name,
          href: f.space ? spaceHref(f.space) : f.url,
        })),
        stats: statsLine(summary),
        // Read through, nothing found: say what would make items (home.eta).
        empty: summary.online && summary.items === 0 && summary.status !== 'indexing',
        problems: summary.problemCount,
      }
    })
    const mute = muteQuery(config.mute)
    const { items } = state.index.store.query({ limit: LATEST, ...(mute ? { mute } : {}) })
    const context = viewContext(state, state.read.markers.timeline)
    const threads = state.index.threadInfo(items)
    const latest = items.map((item) => itemView(item, context, threads.get(item.id)))
    const html = renderPage('home', {
      title: 'syncweb',
      gateway: '',
      spaces,
      latest,
      demo: config.file === undefined,
      me: meSpaces(config),
      notifications: unreadNotifications(state),
      user: client === 'user',
      // Reply links lead to a reply box only for who may write (layout.eta's body.writer).
      writer: meSpaces(config).length ? writerOf(c, state) : undefined,
    })
    return c.html(html, 200, { ...GATEWAY_HEADERS, 'Cache-Control': 'no-cache' })
  }
}

function statsLine(summary: SpaceSummary): string {
  const { items, lastUpdated, status, problemCount } = summary
  const parts = [`${items} item${items === 1 ? '' : 's'}`]
  if (lastUpdated) parts.push(`updated ${formatRelative(Date.parse(lastUpdated))}`)
  if (status === 'indexing') parts.push('indexing…')
  if (problemCount) parts.push(`${problemCount} skipped file(s)`)
  return parts.join(' · ')
}

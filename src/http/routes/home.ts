import type { Context } from 'hono'
import { formatRelative } from '../../render/format.js'
import { renderPage } from '../../render/templates.js'
import { followsOf } from './api.js'
import { hueOf, itemView } from './item-view.js'
import type { GatewayEnv, GatewayState } from '../server/state.js'
import { GATEWAY_HEADERS } from '../headers.js'
import { spaceOrigin } from '../server/host.js'
import { addressedOf } from '../server/request.js'

const LATEST = 10

/** `GET /`: every space (title, status, item count, last update, link) and the latest items. */
export function homePage(state: GatewayState) {
  return async function home(c: Context<GatewayEnv>) {
    const { port } = addressedOf(c, state).to
    const { config } = state
    // Straight to the space's own origin, where root-absolute links of a real blog work.
    const spaceHref = (name: string) =>
      config.isolation === 'subdomain' ? spaceOrigin(name, port) + '/' : `/@${name}/`
    // What the indexer knows (it checks every folder each second): the page reads no disk.
    const spaces = config.spaces.map((space) => {
      const indexer = state.index.spaces.get(space.name)
      const online = indexer !== undefined && indexer.status !== 'offline'
      const problem = indexer?.offlineReason ?? 'is missing'
      return {
        name: space.name,
        title: space.title ?? space.name,
        path: space.root,
        online,
        // "folder missing: PATH", "folder cannot be read (permission denied): PATH"
        offline: online ? '' : `folder ${problem.replace(/^is /, '')}`,
        href: spaceHref(space.name),
        initial: (space.title ?? space.name).slice(0, 1).toUpperCase(),
        hue: hueOf(space.name),
        follows: followsOf(state, space.name).map((f) => ({
          label: f.title ?? f.name,
          href: f.space ? spaceHref(f.space) : f.url,
        })),
        ...statsLine(state, space.name),
      }
    })
    const now = Date.now()
    const titles = new Map(config.spaces.map((s) => [s.name, s.title ?? s.name]))
    const latest = state.index.store
      .query({ limit: LATEST })
      .items.map((item) => itemView(item, titles.get(item.space) ?? item.space, now))
    const html = renderPage('home', {
      title: 'syncweb',
      gateway: '',
      spaces,
      latest,
      demo: config.file === undefined,
      me: config.me,
    })
    return c.html(html, 200, { ...GATEWAY_HEADERS, 'Cache-Control': 'no-cache' })
  }
}

function statsLine(state: GatewayState, name: string) {
  const indexer = state.index.spaces.get(name)
  const { items, lastUpdated } = state.index.store.statsOf(name)
  const parts = [`${items} item${items === 1 ? '' : 's'}`]
  if (lastUpdated !== undefined) parts.push(`updated ${formatRelative(lastUpdated)}`)
  if (indexer?.status === 'indexing') parts.push('indexing…')
  if (indexer?.problems.size) parts.push(`${indexer.problems.size} skipped file(s)`)
  return { stats: parts.join(' · '), problems: indexer?.problems.size ?? 0 }
}

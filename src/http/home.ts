import type { Context } from 'hono'
import { renderPage } from '../render/templates.js'
import { realFolder } from '../resolve.js'
import type { GatewayEnv, GatewayState } from './app.js'
import { GATEWAY_HEADERS } from './headers.js'
import { addresseeOf, spaceOrigin } from './host.js'

/** `GET /`: every space with its title, whether its folder is there, and a link. */
export function homePage(state: GatewayState) {
  return async function home(c: Context<GatewayEnv>) {
    const { port } = addresseeOf(c.env.incoming)
    const { config } = state
    const spaces = await Promise.all(
      config.spaces.map(async (space) => ({
        name: space.name,
        title: space.title ?? space.name,
        path: space.root,
        online: (await realFolder(space.root)) !== undefined,
        // Straight to the space's own origin, where root-absolute links of a real blog work.
        href:
          config.isolation === 'subdomain'
            ? spaceOrigin(space.name, port) + '/'
            : `/@${space.name}/`,
        initial: (space.title ?? space.name).slice(0, 1).toUpperCase(),
      })),
    )
    const html = renderPage('home', {
      title: 'syncweb',
      gateway: '',
      spaces,
      demo: config.file === undefined,
      me: config.me,
    })
    return c.html(html, 200, { ...GATEWAY_HEADERS, 'Cache-Control': 'no-cache' })
  }
}

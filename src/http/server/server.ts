import { getRequestListener } from '@hono/node-server'
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Config } from '../../config/config.js'
import { DeviceRegistry } from '../../state/devices.js'
import { Pairing } from '../../state/pairing.js'
import { ReadMarkers } from '../../state/read-markers.js'
import { TimelineIndex } from '../../index/index.js'
import { indexLimits } from '../../index/indexer/limits.js'
import { createApp } from '../app.js'
import type { GatewayState } from './state.js'
import { address, remember } from './request.js'

export interface RunningServer {
  server: Server
  state: GatewayState
  /** e.g. `http://127.0.0.1:4747` */
  url: string
  port: number
  close(): Promise<void>
}

/**
 * Starts indexing the config's spaces and listens on `host:port` (0 picks a free port) at once:
 * requests are answered while the index fills. The `Host` check runs before Hono sees the
 * request, so that a missing or foreign `Host` gets the same 403 whatever the path.
 */
export async function startServer(
  config: Config,
  options: {
    port: number
    host: string
    index?: TimelineIndex
    /** Where read markers are kept (read-markers.ts); undefined: in memory. */
    stateDir?: string
    /** The config file, also when it does not exist yet (the demo): /settings writes it. */
    configFile?: string
  },
): Promise<RunningServer> {
  const index = options.index ?? new TimelineIndex(indexLimits(config.limits))
  const state: GatewayState = {
    config,
    index,
    token: randomBytes(24).toString('base64url'),
    read: await ReadMarkers.open(options.stateDir),
    devices: new DeviceRegistry(options.stateDir),
    pairing: new Pairing(),
    ...((options.configFile ?? config.file)
      ? { configFile: options.configFile ?? config.file }
      : {}),
    apply(next) {
      const { port, host, limits } = state.config
      state.config = { ...next, port, host, limits }
      index.setSpaces(next.spaces)
    },
  }
  index.setSpaces(config.spaces)
  const { app, cachedFile } = createApp(state)
  const handle = getRequestListener(app.fetch)
  const { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs } = config.limits
  // requireHostHeader off: we answer a missing Host ourselves, with the same 403 as a wrong one.
  const server = createServer(
    {
      requireHostHeader: false,
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks both timeouts on this interval: keep it well under the smaller one.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeoutMs / 4)),
    },
    (request, response) => {
      if (!request.url?.startsWith('/')) {
        response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' })
        response.end('Bad Request: the request target must be a path.\n')
        return
      }
      const addressed = address(request, state)
      if (!addressed) {
        response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
        response.end(
          'Forbidden: syncweb answers only requests for localhost, 127.0.0.1, NAME.localhost or a host in "allowedHosts".\n',
        )
        return
      }
      // The app reads the same decision back (never a second one from a normalised URL).
      const app = () => {
        remember(request, addressed)
        void handle(request, response)
      }
      if (!cachedFile(request, response, addressed, app)) app()
    },
  )
  // A client that stops reading (or sending) holds a socket and a file descriptor: drop it.
  // Long-lived streams (/events) write a heartbeat well within this.
  server.setTimeout(idleTimeoutMs)
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      index.close()
      reject(error)
    })
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    server,
    state,
    port,
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        index.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

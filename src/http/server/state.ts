import type { HttpBindings } from '@hono/node-server'
import type { Config } from '../../config/config.js'
import type { DeviceRegistry } from '../../state/devices.js'
import type { Pairing } from '../../state/pairing.js'
import type { ReadMarkers } from '../../state/read-markers.js'
import type { TimelineIndex } from '../../index/index.js'

/**
 * Node's request and response, when the app runs behind @hono/node-server. Optional: routes
 * that do not stream a file also answer `app.request()`, which has neither.
 */
export type GatewayEnv = { Bindings: Partial<HttpBindings> }

/** A config file the watcher refused: the whole message, and the rule (with line and column). */
export interface ConfigProblem {
  message: string
  /** `is not valid JSON: line 4, column 3: …`, or the field and its rule. */
  field?: string
  rule?: string
  /** When it was seen (ISO 8601). */
  at: string
}

/** What the routes read. The server swaps `config` on reload; routes never read the file. */
export interface GatewayState {
  config: Config
  index: TimelineIndex
  /** Per launch: the gateway's own pages carry it, and state-changing requests must send it. */
  readonly token: string
  /** Up to when the user has read the timeline and notifications. */
  readonly read: ReadMarkers
  /** Devices of the network paired to post as the user, and the pairing code of the moment. */
  readonly devices: DeviceRegistry
  readonly pairing: Pairing
  /**
   * The config file this gateway reads and /settings writes: `config.file`, or where the first
   * follow will create it while the demo is served. Undefined: nowhere (tests in memory).
   */
  readonly configFile?: string
  /**
   * Why the config file on disk was last refused (a broken hand edit), while the last good one
   * is served; cleared by the next good reload. /settings shows it.
   */
  configError?: ConfigProblem
  /**
   * Takes in a new config (the file was edited, by hand or by a route): its spaces are followed
   * at once; the address and the limits stay what the server started with.
   */
  apply(next: Config): void
}

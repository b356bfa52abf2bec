import { configWarnings, meSpaces } from '../../config/me.js'
import type { MuteSettings } from '../../config/mute.js'
import type { DeviceView } from '../../state/devices.js'
import { spaceSummary } from '../../timeline/summary.js'
import type { ConfigProblem, GatewayState } from '../server/state.js'

/** How many skipped files a space's card lists; the rest are counted ("and 40 more"). */
const SHOWN_PROBLEMS = 50

/** One followed space as /settings shows it (and `GET /api/settings` returns it). */
export interface SpaceSetting {
  name: string
  /** The user's own title from the config; '' when none is set (the name shows). */
  title: string
  path: string
  online: boolean
  /** "folder missing", "folder cannot be read (…)": why it is offline. */
  offline?: string
  indexing: boolean
  items: number
  me: boolean
  problems: Array<{ file: string; reason: string }>
  /** Skipped files in all; `problems` lists the first SHOWN_PROBLEMS. */
  problemCount: number
}

/** Everything /settings shows: the gateway's state, read from memory (no disk). */
export interface SettingsView {
  /** The config file: the one in use, or where the first follow will create it. */
  file?: string
  /** No config file yet: the bundled demo spaces are served. */
  demo: boolean
  /** The file on disk was refused; the last good configuration is being served. */
  configError?: ConfigProblem & { line?: number; column?: number }
  /** What in the file is probably a mistake (unknown keys, a folder followed twice). */
  warnings: string[]
  spaces: SpaceSetting[]
  me: string[]
  mute: MuteSettings
  devices: DeviceView[]
}

export function settingsView(state: GatewayState): SettingsView {
  const { config, index } = state
  const demo = config.file === undefined
  const me = meSpaces(config)
  const spaces = config.spaces.map((space): SpaceSetting => {
    const summary = spaceSummary(config, index, space.name)
    return {
      name: space.name,
      title: space.title ?? '',
      path: space.root,
      online: summary.online,
      ...(summary.online
        ? {}
        : {
            offline: (summary.offline ?? 'the folder is missing').replace(
              /^the folder (is )?/,
              'folder ',
            ),
          }),
      indexing: summary.status === 'indexing',
      items: summary.items,
      me: me.includes(space.name),
      problems: summary.problems.slice(0, SHOWN_PROBLEMS),
      problemCount: summary.problemCount,
    }
  })
  const error = state.configError
  return {
    ...(state.configFile ? { file: state.configFile } : {}),
    demo,
    ...(error ? { configError: { ...error, ...lineAndColumn(error.rule ?? error.message) } } : {}),
    warnings: demo ? [] : configWarnings(config),
    spaces,
    me,
    mute: config.mute,
    devices: state.devices.list(),
  }
}

/** `… line 4, column 3: …` (json-errors.ts jsonErrorAt) as numbers, for the page to point at. */
function lineAndColumn(text: string): { line?: number; column?: number } {
  const at = /line (\d+), column (\d+)/.exec(text)
  return at ? { line: Number(at[1]), column: Number(at[2]) } : {}
}

import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * `$XDG_STATE_HOME/syncweb`, else `~/.local/state/syncweb`: what the user did and what runs
 * (read markers, paired devices, the running gateway's address). Never inside a synced folder.
 */
export function stateHome(env = process.env): string {
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'syncweb')
}

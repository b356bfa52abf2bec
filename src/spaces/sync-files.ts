/**
 * What sync tools and editors leave in a synced folder that is never served nor indexed.
 * One list, used by the space resolver, the listings and (later) the watcher, so that a file
 * HTTP cannot see is never indexed either.
 */

// Partial downloads: Syncthing writes `.syncthing.NAME.tmp` (a dotfile) or `~syncthing~NAME.tmp`,
// Resilio Sync `NAME.!sync`, BitTorrent Sync `NAME.SyncPart` / `NAME.SyncTemp`. Any `*.tmp` is
// treated as a partial too: a half-written file must never be shown as content.
const PARTIAL_SUFFIXES = ['.tmp', '.!sync', '.syncpart', '.synctemp']

/** True for one path segment (a file or folder name) that does not exist as far as HTTP goes. */
export function isHiddenName(name: string): boolean {
  // Dotfiles and dot-folders: .stfolder, .stversions, .stignore, .sync, .git, .DS_Store …
  if (name.startsWith('.')) return true
  const lower = name.toLowerCase()
  return PARTIAL_SUFFIXES.some((suffix) => lower.endsWith(suffix))
}

/** True when any segment of a relative path (with `/` or the platform separator) is hidden. */
export function hasHiddenSegment(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).some((segment) => segment !== '' && isHiddenName(segment))
}

// Syncthing's conflict copies: NAME.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.EXT. They are served
// (the user may want to look) but never indexed, so that one item never shows twice.
const CONFLICT_COPY = /\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]+(\.|$)/

export function isConflictCopy(name: string): boolean {
  return CONFLICT_COPY.test(name)
}

import type { Stats } from 'node:fs'
import { extname, join } from 'node:path'
import { openFolder } from './folder.js'
import { statInSpace } from './open.js'
import { isHiddenName } from './sync-files.js'

/**
 * What a request path inside a space resolves to. Deciding is kept apart from answering, so the
 * rules of DESIGN.md "Resolving a space path" can be tested as data.
 */
export type Resolution =
  /** `file` is a real path: open it through the contained opener with `realRoot`. */
  | { kind: 'file'; file: string; realRoot: string; stats: Stats; markdown: boolean }
  /** A folder asked for without its trailing slash; `path` is the raw path plus `/`. */
  | { kind: 'redirect'; path: string }
  | { kind: 'listing'; dir: string; realRoot: string }
  | { kind: 'miss'; realRoot?: string }
  /** The folder cannot be served; `problem` says why ("is missing"). */
  | { kind: 'offline'; problem: string }

const INDEX_FILES = ['index.html', 'index.htm', 'index.md']
const CLEAN_URL_EXTENSIONS = ['.html', '.md']
const MARKDOWN = new Set(['.md', '.markdown'])
const MAX_PATH_LENGTH = 2048
const MAX_SEGMENT_BYTES = 255

export function isMarkdownFile(file: string): boolean {
  return MARKDOWN.has(extname(file).toLowerCase())
}

/**
 * Resolves `rawPath` (the request path after `/@NAME`, still percent-encoded, starting with `/`)
 * inside the folder `root`. Only regular files and folders whose real path lies inside the real
 * root, with no hidden segment on the way, are ever returned.
 */
export async function resolveInSpace(root: string, rawPath: string): Promise<Resolution> {
  const folder = await openFolder(root)
  if ('problem' in folder) return { kind: 'offline', problem: folder.problem }
  const realRoot = folder.real
  const segments = decodeSegments(rawPath)
  if (!segments) return { kind: 'miss', realRoot }

  const trailingSlash = segments.at(-1) === ''
  const names = trailingSlash ? segments.slice(0, -1) : segments
  const found = await lookup(realRoot, names)

  if (found?.stats.isDirectory()) {
    if (!trailingSlash) return { kind: 'redirect', path: rawPath + '/' }
    for (const index of INDEX_FILES) {
      const file = await lookup(realRoot, [...names, index])
      if (file?.stats.isFile()) return asFile(realRoot, file)
    }
    return { kind: 'listing', dir: found.real, realRoot }
  }
  if (found) return trailingSlash ? { kind: 'miss', realRoot } : asFile(realRoot, found)

  const last = names.at(-1)
  if (!trailingSlash && last !== undefined) {
    for (const extension of CLEAN_URL_EXTENSIONS) {
      const file = await lookup(realRoot, [...names.slice(0, -1), last + extension])
      if (file?.stats.isFile()) return asFile(realRoot, file)
    }
  }
  return { kind: 'miss', realRoot }
}

/**
 * What a path of the space is, proven on an open descriptor (statInSpace): a regular file or a
 * folder inside the real root, symlinks followed only to targets inside and never to a hidden
 * name (a link to `.git/config` is a miss). Its stats are those of what was opened, so even an
 * ETag cannot tell anything of a file outside the space.
 */
function lookup(realRoot: string, names: string[]) {
  return statInSpace(realRoot, join(realRoot, ...names))
}

function asFile(realRoot: string, found: { real: string; stats: Stats }): Resolution {
  return {
    kind: 'file',
    file: found.real,
    realRoot,
    stats: found.stats,
    markdown: isMarkdownFile(found.real),
  }
}

/**
 * Decodes the path once, segment by segment. Anything that could mean something else after a
 * second decoding or on another platform is refused rather than interpreted: leftover `%`,
 * `\`, NUL, encoded `/`, dot segments, empty segments (`//`), hidden names, overlong names.
 * The last segment may be empty (a trailing slash).
 */
export function decodeSegments(rawPath: string): string[] | undefined {
  if (!rawPath.startsWith('/') || rawPath.length > MAX_PATH_LENGTH) return undefined
  if (rawPath.includes('\\') || rawPath.includes('#')) return undefined
  const raw = rawPath.slice(1).split('/')
  const segments: string[] = []
  for (let i = 0; i < raw.length; i++) {
    const isLast = i === raw.length - 1
    let name: string
    try {
      name = decodeURIComponent(raw[i]!)
    } catch {
      return undefined
    }
    if (name === '') {
      if (!isLast) return undefined
    } else if (
      name === '.' ||
      name === '..' ||
      /[/\\%\0]/.test(name) ||
      isHiddenName(name) ||
      Buffer.byteLength(name) > MAX_SEGMENT_BYTES
    ) {
      return undefined
    }
    segments.push(name)
  }
  return segments
}

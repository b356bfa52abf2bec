import { decodeXML } from 'entities'
import { XMLParser } from 'fast-xml-parser'
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, join } from 'node:path'

/** A folder a sync tool shares, as the importer sees it. */
export interface SharedFolder {
  label: string
  path: string
  /** Set when the folder cannot be followed, and why. */
  skip?: string
}

const home = () => process.env.HOME || homedir()
const expandHome = (path: string) =>
  path === '~' || path.startsWith('~/') ? join(home(), path.slice(1)) : path

/** Where Syncthing keeps config.xml on Linux: the state folder since 1.27, the config folder before. */
export function syncthingConfigCandidates(env = process.env): string[] {
  const state = env.XDG_STATE_HOME || join(home(), '.local', 'state')
  const config = env.XDG_CONFIG_HOME || join(home(), '.config')
  return [join(state, 'syncthing', 'config.xml'), join(config, 'syncthing', 'config.xml')]
}

function folderFrom(raw: {
  id?: string
  label?: string
  path?: string
  type?: string
  paused?: unknown
}): SharedFolder {
  const label = raw.label?.trim() || raw.id || 'folder'
  const path = expandHome(String(raw.path ?? ''))
  if (!raw.path) return { label, path, skip: 'has no path' }
  if (raw.type === 'receiveencrypted')
    return { label, path, skip: 'is encrypted on this device: its files cannot be read' }
  return { label, path }
}

/** The folders in a Syncthing config.xml. */
export async function foldersFromSyncthingXml(file: string): Promise<SharedFolder[]> {
  const text = await readFile(file, 'utf8')
  // No entity expansion: a config.xml has no reason for a DOCTYPE.
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: false,
    isArray: (name) => name === 'folder',
  })
  let document: { configuration?: { folder?: Array<Record<string, string>> } }
  try {
    document = parser.parse(text, true)
  } catch (error) {
    throw new Error(`${file} is not valid XML: ${(error as Error).message}`)
  }
  if (!document.configuration)
    throw new Error(`${file} is not a Syncthing config.xml (no <configuration>)`)
  // Syncthing (Go's encoding/xml) writes ' as &#39;, & as &amp;: decode those, and only those.
  const decode = (value: unknown) => (typeof value === 'string' ? decodeXML(value) : value)
  return (document.configuration.folder ?? []).map((raw) =>
    folderFrom(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decode(v)]))),
  )
}

/** The folders of a running Syncthing, from its REST API (`GET /rest/config/folders`). */
export async function foldersFromSyncthingApi(
  url: string,
  apiKey: string,
): Promise<SharedFolder[]> {
  const endpoint = new URL('/rest/config/folders', url)
  let response: Response
  try {
    response = await fetch(endpoint, { headers: { 'X-API-Key': apiKey } })
  } catch (error) {
    throw new Error(
      `cannot reach Syncthing at ${url}: ${(error as Error).cause ?? (error as Error).message}`,
    )
  }
  if (response.status === 403 || response.status === 401) {
    throw new Error(
      `Syncthing at ${url} refused the API key; copy it from Actions → Settings → API Key`,
    )
  }
  if (!response.ok)
    throw new Error(`Syncthing at ${url} answered ${response.status} for ${endpoint.pathname}`)
  const folders = (await response.json()) as unknown
  if (!Array.isArray(folders))
    throw new Error(`Syncthing at ${url} did not answer a list of folders`)
  return folders.map((f) => folderFrom(f as Record<string, string>))
}

/** The shared folders of a Resilio Sync `sync.conf` (JSON with comments). */
export async function foldersFromResilio(file: string): Promise<SharedFolder[]> {
  const errors: ParseError[] = []
  const config = parseJsonc(await readFile(file, 'utf8'), errors, { allowTrailingComma: true }) as {
    shared_folders?: Array<{ dir?: unknown }>
  }
  if (errors.length) {
    throw new Error(
      `${file} is not valid JSON: ${printParseErrorCode(errors[0]!.error)} at offset ${errors[0]!.offset}`,
    )
  }
  if (!config || !Array.isArray(config.shared_folders)) {
    throw new Error(`${file} has no "shared_folders" list; is it Resilio Sync's sync.conf?`)
  }
  return config.shared_folders.map((f) => {
    const path = typeof f.dir === 'string' ? expandHome(f.dir) : ''
    return path ? { label: basename(path), path } : { label: 'folder', path, skip: 'has no "dir"' }
  })
}

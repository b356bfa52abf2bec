import { access } from 'node:fs/promises'
import { resolve } from 'node:path'
import { editConfig, findConfigFile, loadConfig } from '../config/config.js'
import { slugify, uniqueName } from '../import/slug.js'
import {
  foldersFromResilio,
  foldersFromSyncthingApi,
  foldersFromSyncthingXml,
  syncthingConfigCandidates,
  type SharedFolder,
} from '../import/sources.js'
import { realFolder } from '../spaces/folder.js'
import { UsageError } from '../usage-error.js'

export interface ImportOptions {
  tool: string
  /** The sync tool's config file. */
  toolConfig?: string
  api?: string
  apiKey?: string
  dryRun: boolean
  /** syncweb's own config file. */
  syncwebConfig?: string
}

/** `syncweb import syncthing|resilio`: follows every folder the sync tool shares. */
export async function importFolders(options: ImportOptions): Promise<number> {
  const folders = await readFolders(options)
  const file = findConfigFile(options.syncwebConfig)
  const config = await loadConfig(file)
  const taken = new Set(config?.spaces.map((s) => s.name) ?? [])
  const followedPaths = new Map(config?.spaces.map((s) => [resolve(s.root), s.name]) ?? [])

  const added: Array<{ name: string; path: string; label: string }> = []
  const skipped: Array<{ label: string; path: string; reason: string }> = []
  for (const folder of folders) {
    const path = folder.path ? resolve(folder.path) : ''
    const already = followedPaths.get(path)
    const reason =
      folder.skip ??
      (already ? `already followed as @${already}` : undefined) ??
      ((await realFolder(path))
        ? undefined
        : `the folder ${path} does not exist (yet); run this again once it does`)
    if (reason) {
      skipped.push({ label: folder.label, path, reason })
      continue
    }
    const name = uniqueName(slugify(folder.label), taken)
    followedPaths.set(path, name)
    added.push({ name, path, label: folder.label })
  }

  if (added.length && !options.dryRun) {
    await editConfig(file, (raw) => {
      const spaces = (raw.spaces ??= {})
      for (const { name, path, label } of added)
        spaces[name] = { path, ...(label !== name ? { title: label } : {}) }
    })
  }
  const verb = options.dryRun ? 'Would follow' : 'Following'
  for (const a of added)
    process.stdout.write(
      `${verb} @${a.name}: ${a.path}${a.label !== a.name ? ` ("${a.label}")` : ''}\n`,
    )
  for (const s of skipped) process.stdout.write(`Skipped "${s.label}": ${s.reason}\n`)
  if (!folders.length) process.stdout.write(`${options.tool} shares no folders.\n`)
  process.stdout.write(
    options.dryRun
      ? `Dry run: nothing was written (${file}).\n`
      : `${added.length} followed, ${skipped.length} skipped${added.length ? ` (config: ${file})` : ''}.\n`,
  )
  return 0
}

async function readFolders(options: ImportOptions): Promise<SharedFolder[]> {
  if (options.tool === 'syncthing') {
    if (options.api) {
      if (!options.apiKey)
        throw new UsageError('--api needs --api-key KEY (Syncthing: Actions → Settings → API Key)')
      return foldersFromSyncthingApi(options.api, options.apiKey)
    }
    const file = options.toolConfig ?? (await firstExisting(syncthingConfigCandidates()))
    if (!file) {
      throw new UsageError(
        `no Syncthing config.xml found at ${syncthingConfigCandidates().join(' or ')}; pass --config FILE, or --api URL --api-key KEY`,
      )
    }
    return foldersFromSyncthingXml(file)
  }
  if (options.tool === 'resilio') {
    if (!options.toolConfig)
      throw new UsageError('give Resilio Sync’s config: syncweb import resilio --config sync.conf')
    return foldersFromResilio(options.toolConfig)
  }
  throw new UsageError(`cannot import from "${options.tool}": use syncthing or resilio`)
}

async function firstExisting(files: string[]): Promise<string | undefined> {
  for (const file of files) {
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      return file
  }
  return undefined
}

import { findConfigFile, findSpace, loadConfig } from '../config/config.js'
import { meSpaces } from '../config/me.js'
import { deleteStatus, editStatus, findOwnStatus, type OwnStatus } from '../own-posts.js'
import { PublishError } from '../publish.js'
import { filesLookup, ownItemsOnly, portableRef, ReplyTargetError } from '../timeline/reply-to.js'
import { UsageError } from '../usage-error.js'

async function find(configFlag: string | undefined, given: string): Promise<OwnStatus> {
  const file = findConfigFile(configFlag)
  const config = await loadConfig(file)
  const mine = config ? meSpaces(config) : []
  if (!config || !mine.length)
    throw new UsageError(`set "me" in ${file} to the name of your own space first`)
  let ref: string
  try {
    ref = await portableRef(given, ownItemsOnly(filesLookup(config), mine))
  } catch (error) {
    if (error instanceof ReplyTargetError) throw new UsageError(error.message)
    throw error
  }
  for (const space of mine) {
    const status = await findOwnStatus(findSpace(config, space)!.root, ref)
    if (status) return status
  }
  throw new UsageError(
    `none of your own status updates has the ref ${ref}; syncweb timeline --json --space ${mine[0]} shows their refs (_syncweb.ref)`,
  )
}

/** `syncweb delete REF`: removes one of your own status updates (the sync tool shares that). */
export async function deletePost(configFlag: string | undefined, ref: string): Promise<number> {
  const status = await find(configFlag, ref)
  await deleteStatus(status)
  process.stdout.write(`Deleted ${status.path}.\n`)
  return 0
}

/** `syncweb edit REF TEXT`: rewrites the text of one of your own status updates, atomically. */
export async function editPost(
  configFlag: string | undefined,
  ref: string,
  text: string,
): Promise<number> {
  const status = await find(configFlag, ref)
  try {
    await editStatus(status, text)
  } catch (error) {
    if (error instanceof PublishError) throw new UsageError(error.message)
    throw error
  }
  process.stdout.write(`Edited ${status.path}.\n`)
  return 0
}

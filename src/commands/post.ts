import { findConfigFile, loadConfig, findSpace } from '../config/config.js'
import { normalizeName } from '../spaces/names.js'
import { PublishError, publishStatus } from '../publish.js'
import { filesLookup, portableRef, ReplyTargetError } from '../timeline/reply-to.js'
import { UsageError } from '../usage-error.js'

export interface PostOptions {
  configFlag?: string
  text: string
  space?: string
  replyTo?: string
  image?: string
}

/** `syncweb post TEXT`: a status update in your own space; the sync tool does the rest. */
export async function post(options: PostOptions): Promise<number> {
  const file = findConfigFile(options.configFlag)
  const config = await loadConfig(file)
  const wanted = options.space ? normalizeName(options.space) : config?.me
  if (!wanted) {
    throw new UsageError(
      `no space to post to: set "me" in ${file} to the name of your own space, or pass --space NAME`,
    )
  }
  const space = config && findSpace(config, wanted)
  if (!space)
    throw new UsageError(`no space named "${options.space ?? wanted}"; syncweb spaces lists them`)
  try {
    const replyTo =
      options.replyTo === undefined
        ? undefined
        : await portableRef(options.replyTo, filesLookup(config!))
    const { path } = await publishStatus(space.root, {
      text: options.text,
      ...(replyTo ? { replyTo } : {}),
      ...(options.image ? { image: options.image } : {}),
    })
    process.stdout.write(`http://localhost:${config!.port}/@${space.name}/${path}\n`)
    return 0
  } catch (error) {
    if (error instanceof PublishError || error instanceof ReplyTargetError)
      throw new UsageError(error.message)
    throw error
  }
}

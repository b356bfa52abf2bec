import { findConfigFile, loadConfig } from '../config/config.js'
import { ownSpace } from '../config/me.js'
import { stateHome } from '../state/home.js'
import { gatewayOrigin } from '../state/runtime.js'
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
  if (!config)
    throw new UsageError(
      `no config at ${file}: follow your own folder first (syncweb follow NAME FOLDER), then set "me" to NAME in that file`,
    )
  const wanted =
    options.space === undefined ? undefined : (normalizeName(options.space) ?? options.space)
  const space = ownSpace(config, wanted)
  if ('problem' in space) throw new UsageError(space.problem.replace('the config', file))
  try {
    const replyTo =
      options.replyTo === undefined
        ? undefined
        : await portableRef(options.replyTo, filesLookup(config))
    const { path } = await publishStatus(space.root, {
      text: options.text,
      ...(replyTo ? { replyTo } : {}),
      ...(options.image ? { image: options.image } : {}),
    })
    const origin = await gatewayOrigin(stateHome(), config.port)
    process.stdout.write(`${origin}/@${space.name}/${path}\n`)
    return 0
  } catch (error) {
    if (error instanceof PublishError || error instanceof ReplyTargetError)
      throw new UsageError(error.message)
    throw error
  }
}

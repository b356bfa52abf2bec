import { isCorrupt, moveAside } from '../index/store/db.js'

/**
 * What ends the gateway when its index turns out damaged while it runs (SQLITE_CORRUPT from a
 * page no start-up check read: reading every page would cost each restart seconds at a million
 * items). Nothing in this process can trust that index any more: it is moved aside, the user is
 * told, and the next start (systemd's, 5 s later, under `syncweb service`) builds a new one
 * from the folders. Installed for uncaught errors; any other one ends the gateway as before.
 */
export function stopOnDamagedIndex(file: string | undefined): (error: unknown) => never {
  const stop = (error: unknown): never => {
    if (!isCorrupt(error) || !file) {
      console.error(error)
      process.exit(1)
    }
    let aside: string | undefined
    try {
      aside = moveAside(file, 'corrupt')
    } catch {
      // Said below: the next start finds it damaged, and moves it aside itself.
    }
    process.stderr.write(
      `syncweb: the index ${file} is damaged (${(error as Error).message}): ${aside ? `moved aside to ${aside}` : 'it could not be moved aside'}. Start syncweb again: it builds a new index from the folders.\n`,
    )
    process.exit(1)
  }
  process.on('uncaughtException', stop)
  process.on('unhandledRejection', stop)
  return stop
}

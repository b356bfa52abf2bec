import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'libsql'
import { APPLICATION_ID, BUILT, FILE_INDEXES, LEFT_OUT, SCHEMA_VERSION, TABLES } from './schema.js'

export type Db = InstanceType<typeof Database>

/** Another gateway holds the index: a user's mistake to point out, not a crash. */
export class IndexBusy extends Error {}

export interface OpenedIndex {
  db: Db
  /** The file, or undefined when the index lives in memory. */
  file: string | undefined
  /** True when the index is whole (its indexes and full-text index built). */
  built: boolean
  /** What the user should know about how it was opened (moved aside, in memory…). */
  notes: string[]
}

/**
 * Opens the index in `dir` (`index.db`), or in memory when `dir` is undefined. A file of
 * another schema version, of another program, or corrupt is moved aside and a new index begun,
 * with a note; a folder that is read-only or full gives an index in memory, with a note. The
 * index is locked for this process (SQLite's own lock, which the system drops when a process
 * dies, so a gateway that was killed never blocks the next); a second gateway gets IndexBusy.
 */
export function openIndex(dir: string | undefined): OpenedIndex {
  if (dir === undefined) return { ...prepare(new Database(':memory:')), file: undefined, notes: [] }
  const file = join(dir, 'index.db')
  const notes: string[] = []
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    return inMemory(`the cache folder ${dir} cannot be created (${code(error)})`)
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    let db: Db | undefined
    try {
      db = new Database(file)
      lock(db, dir)
      const reason = whyNotOurs(db)
      if (reason) {
        db.close()
        notes.push(
          `${file} ${reason}: moved aside to ${moveAside(file, reason)}, building a new index`,
        )
        continue
      }
      return { ...prepare(db), file, notes }
    } catch (error) {
      db?.close()
      if (error instanceof IndexBusy) throw error
      const why = code(error)
      if (/CORRUPT|NOTADB/.test(why) && attempt === 0) {
        notes.push(
          `${file} is damaged (${why}): moved aside to ${moveAside(file, 'corrupt')}, building a new index`,
        )
        continue
      }
      return inMemory(`${file} cannot be written (${why})`)
    }
  }
  return inMemory(`${file} could not be opened`)

  function inMemory(why: string): OpenedIndex {
    notes.push(`${why}; keeping the index in memory: restarts will read every file again`)
    return { ...prepare(new Database(':memory:')), file: undefined, notes }
  }
}

function lock(db: Db, dir: string) {
  db.exec('PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE')
  try {
    // Taking the write lock now holds it for as long as this connection lives.
    db.exec('BEGIN EXCLUSIVE; COMMIT')
  } catch (error) {
    if (/BUSY|LOCKED/.test(code(error))) {
      throw new IndexBusy(
        `another syncweb gateway is using the index in ${dir}${holder(dir)}; stop it, or give this one a cache of its own with --cache-dir DIR`,
      )
    }
    throw error
  }
  // Only for a second gateway's message: a disk too full for it is no reason to give up the index.
  try {
    writeFileSync(join(dir, 'index.db.pid'), `${process.pid}\n`)
  } catch {
    // That message then names no pid.
  }
}

function holder(dir: string): string {
  try {
    const pid = Number(readFileSync(join(dir, 'index.db.pid'), 'utf8').trim())
    return pid ? ` (pid ${pid})` : ''
  } catch {
    return ''
  }
}

/** Why an existing file cannot be used as this version's index; undefined when it can. */
function whyNotOurs(db: Db): string | undefined {
  const app = Number(value(db, 'PRAGMA application_id'))
  const version = Number(value(db, 'PRAGMA user_version'))
  const tables = Number(value(db, 'SELECT count(*) FROM sqlite_master'))
  if (app === 0 && version === 0 && tables === 0) return undefined
  if (app !== APPLICATION_ID) return 'is not an index of syncweb'
  if (version !== SCHEMA_VERSION)
    return `is an index of schema version ${version}, not ${SCHEMA_VERSION}`
  return undefined
}

/** Settings, and the tables of a new index. */
function prepare(db: Db): { db: Db; built: boolean } {
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000',
  )
  const fresh = Number(value(db, 'SELECT count(*) FROM sqlite_master')) === 0
  if (fresh) {
    db.exec(TABLES)
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION}`)
  }
  db.exec(FILE_INDEXES + LEFT_OUT)
  const built = value(db, 'SELECT value FROM meta WHERE key = ?', BUILT) !== undefined
  return { db, built }
}

/** An error of a write the disk refused: full, failing, read-only. The index is a cache: such
 * writes are dropped and tried again later (SpaceFiles), never the end of the gateway. */
export function isWriteFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code)
}

/**
 * Runs `work` in a transaction (or in the one open). Not libsql's transaction(): when a full
 * disk has rolled the transaction back already, its ROLLBACK throws "no transaction is active"
 * in place of SQLITE_FULL.
 */
export function transact<T>(db: Db, work: () => T): T {
  if (db.inTransaction) return work()
  db.exec('BEGIN')
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  }
}

/** The first column of the first row (libsql has no `pluck`, and adds `_metadata` to `get`). */
export function value(db: Db, sql: string, ...params: unknown[]): unknown {
  return (
    db
      .prepare(sql)
      .raw()
      .get(...params) as unknown[] | undefined
  )?.[0]
}

/** An error that says the index file itself is damaged: it cannot be trusted any more. */
export function isCorrupt(error: unknown): boolean {
  return /^SQLITE_(CORRUPT|NOTADB)/.test(code(error))
}

/** Moves an index file aside (`index.db.TAG-date`), its write-ahead log removed; its new name. */
export function moveAside(file: string, why: string): string {
  const tag = why.startsWith('is not') ? 'foreign' : why.startsWith('is an index') ? 'old' : why
  const aside = `${file}.${tag}-${new Date().toISOString().replace(/[:.]/g, '-')}`
  renameSync(file, aside)
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true })
  return aside
}

function code(error: unknown): string {
  const e = error as { code?: string; message?: string }
  return e.code ?? e.message ?? String(error)
}

/** Bytes the index takes on disk (the file and its write-ahead log). */
export function indexSize(file: string | undefined): number {
  if (!file) return 0
  return ['', '-wal'].reduce(
    (n, s) => n + (statSync(file + s, { throwIfNoEntry: false })?.size ?? 0),
    0,
  )
}

import type { Follow } from '../parsers/follows.js'
import type { TwtxtMeta } from '../parsers/twtxt.js'
import type { Db } from './db.js'
import { LeftOut } from './left-out.js'

/** What a file says about its space, besides its items (kept so that a restart need not ask). */
export interface FileFacts {
  follows?: Follow[]
  twtxt?: TwtxtMeta
  /** The feed the root index.html names (null: none). */
  alternate?: string | null
}

const UNCLAIMED =
  'some of its items are left out: another file of the space gives the same id, and the first file found keeps it'

/** A file as it was when last parsed: a restart that finds it the same does not read it. */
export interface StoredFile {
  size: number
  mtimeMs: number
  ino: number
  problem?: string
  facts?: FileFacts
}

/** The `files` table: every file parsed (its version, problem, facts) and folder problems. */
export class FileTable {
  readonly leftOut: LeftOut
  readonly #has
  readonly #version
  readonly #set
  readonly #add
  readonly #delete
  readonly #setProblem
  readonly #clearProblem
  readonly #deleteBare
  readonly #paths
  readonly #ofSpace
  readonly #problems
  readonly #problemCount
  readonly #facts
  readonly #under
  readonly #drop
  readonly #spaces
  readonly #unclaim
  readonly #unclaimed

  constructor(db: Db) {
    this.leftOut = new LeftOut(db)
    this.#has = db.prepare('SELECT 1 FROM files WHERE space = ? AND path = ?').raw()
    this.#version = db
      .prepare('SELECT size, mtime, ino FROM files WHERE space = ? AND path = ?')
      .raw()
    this.#set = db.prepare(
      'INSERT OR REPLACE INTO files (space, path, size, mtime, ino, problem, facts) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    this.#add = db.prepare(
      'INSERT INTO files (space, path, size, mtime, ino, problem, facts) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (space, path) DO NOTHING',
    )
    this.#delete = db.prepare('DELETE FROM files WHERE space = ? AND path = ?')
    this.#setProblem = db.prepare(
      'INSERT INTO files (space, path, problem) VALUES (?, ?, ?) ON CONFLICT (space, path) DO UPDATE SET problem = excluded.problem',
    )
    this.#clearProblem = db.prepare(
      'UPDATE files SET problem = NULL WHERE space = ? AND path = ? AND size IS NOT NULL',
    )
    this.#deleteBare = db.prepare('DELETE FROM files WHERE space = ? AND path = ? AND size IS NULL')
    this.#paths = db.prepare('SELECT path FROM files WHERE space = ?').raw()
    this.#ofSpace = db
      .prepare('SELECT path, size, mtime, ino FROM files WHERE space = ? AND size IS NOT NULL')
      .raw()
    this.#problems = db
      .prepare(
        'SELECT path, problem FROM files INDEXED BY files_problems WHERE space = ? AND problem IS NOT NULL ORDER BY path LIMIT ?',
      )
      .raw()
    this.#problemCount = db
      .prepare(
        'SELECT count(*) FROM files INDEXED BY files_problems WHERE space = ? AND problem IS NOT NULL',
      )
      .raw()
    this.#facts = db
      .prepare(
        'SELECT path, facts FROM files INDEXED BY files_facts WHERE space = ? AND facts IS NOT NULL',
      )
      .raw()
    // Paths under a folder: `folder/` up to `folder0` ('0' follows '/'), on the primary key.
    this.#under = db
      .prepare('SELECT path FROM files WHERE space = ? AND path > ? AND path < ?')
      .raw()
    this.#drop = db.prepare('DELETE FROM files WHERE space = ?')
    // A version no file has (mtime -1), with the problem: see unclaim.
    this.#unclaim = db.prepare(
      `UPDATE files SET mtime = -1, problem = '${UNCLAIMED}' WHERE space = ? AND path = ?`,
    )
    this.#unclaimed = db
      .prepare(
        'SELECT path FROM files INDEXED BY files_problems WHERE space = ? AND problem IS NOT NULL AND mtime = -1',
      )
      .raw()
    // One probe of the primary key per space (a skip-scan), not a read of every file.
    this.#spaces = db
      .prepare(
        'WITH RECURSIVE s(space) AS (SELECT min(space) FROM files UNION ALL SELECT (SELECT min(space) FROM files WHERE space > s.space) FROM s WHERE s.space IS NOT NULL) SELECT space FROM s WHERE space IS NOT NULL',
      )
      .raw()
  }

  has(space: string, path: string): boolean {
    return this.#has.get(space, path) !== undefined
  }

  set(space: string, path: string, file: StoredFile) {
    this.#set.run(...row(space, path, file))
  }

  /**
   * Records a file the index has no record of, and says whether it had none: a first build's
   * files, nearly all new, are looked up and recorded in one statement, not two.
   */
  add(space: string, path: string, file: StoredFile): boolean {
    return this.#add.run(...row(space, path, file)).changes === 1
  }

  delete(space: string, path: string) {
    this.#delete.run(space, path)
    this.leftOut.clear(space, path)
  }

  /** A problem of a path that is not a parsed file (a folder that cannot be read). */
  setProblem(space: string, path: string, problem: string | undefined) {
    if (problem) this.#setProblem.run(space, path, problem)
    else {
      this.#clearProblem.run(space, path)
      this.#deleteBare.run(space, path)
    }
  }

  /** The version of one parsed file, as it was last read. */
  version(space: string, path: string): { size: number; mtimeMs: number; ino: number } | undefined {
    const row = this.#version.get(space, path) as [number | null, number, number] | undefined
    return row && row[0] !== null ? { size: row[0], mtimeMs: row[1], ino: row[2] } : undefined
  }

  /** The version of every parsed file of a space, by path, for a restart to compare. */
  versions(space: string): Map<string, { size: number; mtimeMs: number; ino: number }> {
    const rows = this.#ofSpace.all(space) as Array<[string, number, number, number]>
    return new Map(rows.map(([path, size, mtimeMs, ino]) => [path, { size, mtimeMs, ino }]))
  }

  /** The first `limit` problems of a space, by path, and how many there are. */
  problems(space: string, limit: number) {
    const rows = this.#problems.all(space, limit) as Array<[string, string]>
    const count = Number((this.#problemCount.get(space) as [number])[0])
    return { problems: rows.map(([file, reason]) => ({ file, reason })), count }
  }

  facts(space: string): Array<{ path: string; facts: FileFacts }> {
    const rows = this.#facts.all(space) as Array<[string, string]>
    return rows.map(([path, facts]) => ({ path, facts: JSON.parse(facts) as FileFacts }))
  }

  /** Every path recorded under a folder of a space. */
  under(space: string, folder: string): string[] {
    return (this.#under.all(space, folder + '/', folder + '0') as Array<[string]>).map(([p]) => p)
  }

  /** Every path recorded for a space. */
  paths(space: string): string[] {
    return (this.#paths.all(space) as Array<[string]>).map(([path]) => path)
  }

  dropSpace(space: string) {
    this.#drop.run(space)
    this.leftOut.dropSpace(space)
  }

  /**
   * A file some of whose items are not in the index: another file of the space gave their ids
   * first. Its version is forgotten, so that every full scan reads it again, and `unclaimed`
   * names it when items go, which may free those ids (SpaceFiles).
   */
  unclaim(files: Array<[space: string, path: string]>) {
    for (const [space, path] of files) this.#unclaim.run(space, path)
  }

  unclaimed(space: string): string[] {
    return (this.#unclaimed.all(space) as Array<[string]>).map(([path]) => path)
  }

  /** Every space with a file recorded. */
  spaces(): string[] {
    return (this.#spaces.all() as Array<[string]>).map(([space]) => space)
  }
}

function row(space: string, path: string, file: StoredFile) {
  const facts = file.facts && Object.keys(file.facts).length ? JSON.stringify(file.facts) : null
  return [space, path, file.size, file.mtimeMs, file.ino, file.problem ?? null, facts] as const
}

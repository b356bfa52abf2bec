import type Database from 'libsql'
import type { Db } from './db.js'

type Statement = Database.Statement<unknown[]>

/** A statement for an SQL text, prepared once (PreparedStatements.get, Statements.prepared). */
export type Prepare = (sql: string) => Statement

/**
 * Statements prepared once per SQL text, for queries whose shape varies (timeline filters,
 * search): the shapes are few, and a bound keeps them so. A statement whose get() failed is
 * prepared again next time: libsql leaves it failing every later get() with the same error (one
 * search with a NUL in it made every search fail until a restart).
 */
export class PreparedStatements {
  readonly #statements = new Map<string, Statement>()

  constructor(readonly db: Db) {}

  get(sql: string): Statement {
    const known = this.#statements.get(sql)
    if (known) return known
    if (this.#statements.size >= 256) this.#statements.clear()
    const statement = this.db.prepare(sql)
    const get = statement.get.bind(statement) as (...params: unknown[]) => unknown
    statement.get = (...params: unknown[]) => {
      try {
        return get(...params)
      } catch (error) {
        this.#statements.delete(sql)
        throw error
      }
    }
    this.#statements.set(sql, statement)
    return statement
  }
}

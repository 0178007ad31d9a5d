/** The one query interface the rest of the server sees, whichever backend is behind it. */
export interface QueryResult<R> {
  rows: R[]
  /** Rows touched by INSERT/UPDATE/DELETE (0 when the backend does not say). */
  affectedRows: number
}

export interface QueryOptions {
  /**
   * Keep the statement prepared under this name on each connection (PostgreSQL): planned once per connection,
   * not on every call. For a hot statement whose SQL text for a given name never changes; PGlite ignores it.
   */
  prepared?: string
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>>
  /** Runs a multi-statement SQL script without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>
}

export type Backend = 'pglite' | 'postgres'

/** A statement with its parameters, or rows in binary COPY format (server/db/binary-copy.ts) for a table. */
export type TransactionStep = { sql: string; params: unknown[] } | { copy: string; rows: Buffer }

export interface Db extends Queryable {
  readonly backend: Backend
  /** Runs fn in one transaction on one connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * Runs the steps in order as one transaction, all or nothing, sent together: one round trip, where
   * `transaction` takes one per statement plus BEGIN and COMMIT, each waiting for this process's event loop.
   * A `copy` step's target is a table and its column list, e.g. "t (a, b)".
   */
  transact(steps: readonly TransactionStep[]): Promise<void>
  close(): Promise<void>
}

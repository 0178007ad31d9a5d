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

export interface Db extends Queryable {
  readonly backend: Backend
  /** Runs fn in one transaction on one connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

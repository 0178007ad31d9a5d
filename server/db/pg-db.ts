import pg from 'pg'
import type { Db, Queryable, QueryOptions, QueryResult } from './db.ts'
import { OneTripTransaction } from './pg-one-trip.ts'

type TypeId = Parameters<typeof pg.types.getTypeParser>[0]

const INT8_OID = 20
const INT8_ARRAY_OID = 1016

/**
 * PGlite hands back int8 as a JS number; pg hands back a string. Our ids and counts stay far below 2^53, so
 * parse them as numbers here and both backends return identical rows. Scoped to this pool, not pg's globals.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (v: string) => Number(v)
    if (oid === INT8_ARRAY_OID) {
      const parseArray = pg.types.getTypeParser(INT8_ARRAY_OID as TypeId) as (v: string) => string[]
      return (v: string) => parseArray(v).map((x) => (x === null ? null : Number(x)))
    }
    return pg.types.getTypeParser(oid as TypeId, format as 'text')
  },
}

function wrap(conn: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
      const r = await conn.query({ text: sql, values: params as unknown[], name: options?.prepared })
      return { rows: r.rows as R[], affectedRows: r.rowCount ?? 0 }
    },
    async exec(sql: string) {
      await conn.query(sql)
    },
  }
}

export async function openPostgres(connectionString: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: poolSize, types })
  // An idle client whose server went away emits 'error'; without a listener that kills the process.
  pool.on('error', () => {})
  await pool.query('SELECT 1')
  return {
    backend: 'postgres',
    ...wrap(pool),
    transaction: (fn) =>
      withClient(pool, async (client) => {
        await client.query('BEGIN')
        try {
          const result = await fn(wrap(client))
          await client.query('COMMIT')
          return result
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {})
          throw err
        }
      }),
    transact: (steps) => withClient(pool, (client) => client.query(new OneTripTransaction(steps)).done),
    close: () => pool.end(),
  }
}

/**
 * Runs fn on a client of its own. A connection that broke meanwhile is destroyed rather than handed to the next
 * caller; a checked-out client whose server goes away emits 'error' outside any query, which unheard would kill
 * the process.
 */
async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (err: Error) => {
    broken = err
  }
  client.on('error', onError)
  try {
    return await fn(client)
  } catch (err) {
    broken ??= err instanceof Error && /terminat|ECONNRESET|closed/i.test(err.message) ? err : undefined
    throw err
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}

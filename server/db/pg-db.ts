import pg from 'pg'
import type { Db, Queryable, QueryOptions, QueryResult } from './db.ts'

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
    async transaction(fn) {
      const client = await pool.connect()
      // A checked-out client whose server goes away emits 'error' outside any query; unheard, it kills the process.
      let broken: Error | undefined
      const onError = (err: Error) => {
        broken = err
      }
      client.on('error', onError)
      try {
        await client.query('BEGIN')
        const result = await fn(wrap(client))
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        broken ??= err instanceof Error && /terminat|ECONNRESET|closed/i.test(err.message) ? err : undefined
        throw err
      } finally {
        client.off('error', onError)
        // A broken connection is destroyed rather than handed to the next caller.
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}

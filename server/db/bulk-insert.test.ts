import { expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { bulkInsert, bulkInsertAll, floatArray, textArray } from './bulk-insert.ts'

const nodeColumns = [
  { name: 'id', type: 'int4' },
  { name: 'geom', type: 'text', expr: 'ST_GeomFromText(v, 4326)' },
]

describeBackends('bulk insert', ({ db }) => {
  it('writes every row with computed columns and nulls intact', async () => {
    const n = await bulkInsert(db(), 'road_node', nodeColumns, [
      [1, 'POINT(-56.1 -34.9)'],
      [2, 'POINT(-56.2 -34.8)'],
    ])
    expect(n).toBe(2)
    const r = await db().query('SELECT id, ST_X(geom) AS x FROM road_node ORDER BY id')
    expect(r.rows).toEqual([{ id: 1, x: -56.1 }, { id: 2, x: -56.2 }])
  })

  it('batches a stream and reports progress', async () => {
    function* ids() {
      for (let i = 10; i < 1010; i++) yield i
    }
    const seen: number[] = []
    const n = await bulkInsertAll(db(), 'road_node', nodeColumns, ids(), (i) => [i, `POINT(${i / 1000} 0)`], 300, (w) => seen.push(w))
    expect(n).toBe(1000)
    expect(seen).toEqual([300, 600, 900, 1000])
  })

  it('writes nothing when one row of a batch is bad', async () => {
    await expect(bulkInsert(db(), 'road_node', nodeColumns, [[5000, 'POINT(0 0)'], [5001, 'NOT WKT']])).rejects.toThrow()
    const r = await db().query('SELECT count(*)::int AS n FROM road_node WHERE id >= 5000')
    expect(r.rows[0]).toEqual({ n: 0 })
  })

  it('builds array literals that the database reads back exactly', async () => {
    const texts = ['plain', '', 'NULL', 'null', 'a,b', '{x}', 'say "hi"', 'back\\slash', ' padded ', 'tab\there', '网格', null]
    const r = await db().query<{ t: Array<string | null> }>('SELECT $1::text[] AS t', [textArray(texts)])
    expect(r.rows[0]).toEqual({ t: texts })
  })

  it('sends binary float arrays that the database reads back exactly, nulls included', async () => {
    const numbers = [0, -1.5, 1e-7, 123456789.123456, 1795000000123, null, -0.25]
    const reals = [null, 0.5, -180, 3.25, 1e6]
    const r = await db().query<{ d: Array<number | null>; f: Array<number | null>; len: number }>(
      'SELECT $1::float8[] AS d, $2::float4[] AS f, cardinality($2::float4[]) AS len',
      [floatArray(numbers, 'float8'), floatArray(reals, 'float4')],
    )
    expect(r.rows[0]).toEqual({ d: numbers, f: reals, len: 5 })
    expect(await db().query('SELECT cardinality($1::float8[]) AS n', [floatArray([], 'float8')]).then((x) => x.rows[0])).toEqual({ n: 0 })
  })
})

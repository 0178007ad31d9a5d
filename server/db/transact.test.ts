import { beforeEach, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { BinaryCopyRows } from './binary-copy.ts'

const TABLE = 'copy_probe (id, label, at, f4, f8, geom)'

describeBackends('one-trip transactions with binary COPY', ({ db }) => {
  beforeEach(async () => {
    await db().exec(`DROP TABLE IF EXISTS copy_probe;
      CREATE TABLE copy_probe (id text PRIMARY KEY, label text, at timestamptz, f4 real, f8 float8, geom geometry(Point, 4326))`)
  })

  const rows = (items: Array<[string, string | null, number, number | null, number | null, [number, number]]>) => {
    const r = new BinaryCopyRows(16)
    for (const [id, label, ms, f4, f8, [lon, lat]] of items) r.row(6).text(id).text(label).timestamptz(ms).float4(f4).float8(f8).point(lon, lat, 4326)
    return r.finish()
  }

  it('stores every kind of value the writer sends, exactly', async () => {
    const before2000 = Date.UTC(1969, 11, 31, 23, 59, 59, 999)
    const now = Date.UTC(2026, 11, 8, 1, 2, 3, 456)
    await db().transact([
      { copy: TABLE, rows: rows([['a', '网格 A\t"\\', now, 1.5, -0.1, [121.4737, 31.2304]], ['b', null, before2000, null, null, [-56.16, -34.9]]]) },
    ])
    const r = await db().query<{ id: string; label: string | null; at: Date; f4: number | null; f8: number | null; lon: number; lat: number; srid: number }>(
      'SELECT id, label, at, f4, f8, ST_X(geom) AS lon, ST_Y(geom) AS lat, ST_SRID(geom) AS srid FROM copy_probe ORDER BY id',
    )
    expect(r.rows).toEqual([
      { id: 'a', label: '网格 A\t"\\', at: new Date(now), f4: 1.5, f8: -0.1, lon: 121.4737, lat: 31.2304, srid: 4326 },
      { id: 'b', label: null, at: new Date(before2000), f4: null, f8: null, lon: -56.16, lat: -34.9, srid: 4326 },
    ])
  })

  it('grows its buffer past the size it was given', async () => {
    const many = Array.from({ length: 500 }, (_, i) => [`u${i}`, 'x'.repeat(i % 40), Date.UTC(2026, 0, 1) + i, i, i, [i / 100, i / 200]] as const)
    await db().transact([{ copy: TABLE, rows: rows(many.map((m) => [...m] as [string, string, number, number, number, [number, number]])) }])
    const r = await db().query<{ n: number; last: string }>(`SELECT count(*)::int AS n, max(label) AS last FROM copy_probe`)
    expect(r.rows[0]).toEqual({ n: 500, last: 'x'.repeat(39) })
  })

  it('runs a COPY and the statements after it as one transaction', async () => {
    await db().transact([
      { copy: TABLE, rows: rows([['a', 'first', 0, 1, 1, [0, 1]]]) },
      { sql: 'UPDATE copy_probe SET label = $1 WHERE id = $2', params: ['second', 'a'] },
    ])
    expect((await db().query('SELECT label FROM copy_probe')).rows).toEqual([{ label: 'second' }])
  })

  it('stores nothing when a later step fails, and the database takes the next transaction', async () => {
    const failing = db().transact([
      { copy: TABLE, rows: rows([['a', 'kept?', 0, 1, 1, [0, 1]]]) },
      { sql: 'INSERT INTO copy_probe (id) VALUES ($1)', params: ['a'] },
    ])
    await expect(failing).rejects.toMatchObject({ code: '23505' })
    expect((await db().query('SELECT count(*)::int AS n FROM copy_probe')).rows).toEqual([{ n: 0 }])
    await db().transact([{ copy: TABLE, rows: rows([['b', 'next', 0, 1, 1, [0, 1]]]) }])
    expect((await db().query('SELECT id FROM copy_probe')).rows).toEqual([{ id: 'b' }])
  })

  it('stores nothing when the COPY itself meets a stored key, and skips the steps after it', async () => {
    await db().transact([{ copy: TABLE, rows: rows([['a', 'stored', 0, 1, 1, [0, 1]]]) }])
    const failing = db().transact([
      { copy: TABLE, rows: rows([['c', 'new', 0, 1, 1, [0, 1]], ['a', 'again', 0, 1, 1, [0, 1]]]) },
      { sql: 'UPDATE copy_probe SET label = $1', params: ['changed'] },
    ])
    await expect(failing).rejects.toMatchObject({ code: '23505' })
    expect((await db().query('SELECT id, label FROM copy_probe')).rows).toEqual([{ id: 'a', label: 'stored' }])
  })

  it('fails a transaction whose parameter cannot be sent, writing nothing, and takes the next one', async () => {
    const unsendable = { toString: () => { throw new Error('no text form') } }
    await expect(
      db().transact([
        { copy: TABLE, rows: rows([['a', 'first', 0, 1, 1, [0, 1]]]) },
        { sql: 'UPDATE copy_probe SET label = $1', params: [unsendable] },
      ]),
    ).rejects.toThrow()
    expect((await db().query('SELECT count(*)::int AS n FROM copy_probe')).rows).toEqual([{ n: 0 }])
    await db().transact([{ copy: TABLE, rows: rows([['b', 'next', 0, 1, 1, [0, 1]]]) }])
    expect((await db().query('SELECT id FROM copy_probe')).rows).toEqual([{ id: 'b' }])
  })
})

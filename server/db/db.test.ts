import { Worker } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeBackends, openTestDb } from '../testing/backends.ts'
import type { Queryable } from './db.ts'
import { migrate } from './migrate.ts'
import { connectPgliteWorker, openPglite, type PgliteDb } from './pglite-db.ts'

describeBackends('database layer', ({ db, backend }) => {
  it('has PostGIS and every core table after migrating', async () => {
    const v = await db().query<{ v: string }>('SELECT postgis_lib_version() AS v')
    expect(v.rows[0].v).toMatch(/^3\./)
    const tables = await db().query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    )
    const names = tables.rows.map((r) => r.table_name)
    for (const t of ['admin_area', 'org', 'category', 'unit', 'device', 'unit_position_latest', 'position_history',
      'camera', 'camera_alert', 'incident', 'case_event', 'app_user', 'user_grant', 'audit_log', 'road_edge', 'road_node']) {
      expect(names, t).toContain(t)
    }
  })

  it('migrating again applies nothing', async () => {
    expect(await migrate(db())).toEqual([])
  })

  it('returns the same JS types on both backends', async () => {
    const r = await db().query(`SELECT 7::int8 AS big, ARRAY[1,2]::int8[] AS bigs, 2::int4 AS small,
      '{"a":1}'::jsonb AS doc, '2026-01-02T03:04:05Z'::timestamptz AS at, 1.25::float8 AS f`)
    expect(r.rows[0]).toEqual({ big: 7, bigs: [1, 2], small: 2, doc: { a: 1 }, at: new Date('2026-01-02T03:04:05Z'), f: 1.25 })
  })

  it('round-trips geometry and answers spatial predicates', async () => {
    await db().query(`INSERT INTO road_node (id, geom) VALUES (1, ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [-56.16, -34.9])
    const r = await db().query<{ lon: number; lat: number; m: number }>(
      `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat,
              ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(-56.15, -34.9), 4326)::geography) AS m
       FROM road_node WHERE id = 1`,
    )
    expect(r.rows[0].lon).toBeCloseTo(-56.16, 9)
    expect(r.rows[0].lat).toBeCloseTo(-34.9, 9)
    expect(r.rows[0].m).toBeGreaterThan(900) // 0.01° of longitude at 35°S is ~913 m
    expect(r.rows[0].m).toBeLessThan(925)
  })

  it('rolls a failed transaction back completely', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.query(`INSERT INTO road_node (id, geom) VALUES (2, ST_SetSRID(ST_MakePoint(0, 0), 4326))`)
        await tx.query(`INSERT INTO road_node (id, geom) VALUES (2, ST_SetSRID(ST_MakePoint(0, 0), 4326))`)
      }),
    ).rejects.toThrow(/duplicate key/)
    const r = await db().query('SELECT count(*)::int AS n FROM road_node WHERE id = 2')
    expect(r.rows[0]).toEqual({ n: 0 })
  })

  it('refuses to update the audit log', async () => {
    await db().query(`INSERT INTO audit_log (actor, action, prev_hash, hash) VALUES ('t', 'test', '', 'h')`)
    await expect(db().query(`UPDATE audit_log SET actor = 'x'`)).rejects.toThrow(/append-only/)
  })

  it(`reports affected rows (${backend})`, async () => {
    const r = await db().query(`DELETE FROM road_node WHERE id = 1`)
    expect(r.affectedRows).toBe(1)
  })
})

describe('PGlite in a worker thread', () => {
  let db: PgliteDb
  let dispose: () => Promise<void>
  beforeAll(async () => {
    const opened = await openTestDb('pglite')
    db = opened.db as PgliteDb
    dispose = opened.dispose
  })
  afterAll(async () => {
    await dispose?.()
  })

  it('returns exactly the values PGlite returns on the calling thread', async () => {
    const sql = `SELECT 7::int8 AS big, 2::int4 AS small, 1.5::float4 AS f4, 12.30::numeric AS num, true AS yes, NULL::text AS nothing,
      ARRAY[1, NULL, 3]::int4[] AS ints, ARRAY['a', 'b c']::text[] AS texts, '{"a":[1,{"b":null}]}'::json AS js, '[1,"x"]'::jsonb AS jsb,
      '2026-01-02T03:04:05.678Z'::timestamptz AS at, ARRAY['2026-01-02'::timestamptz] AS ats, '2026-03-04'::date AS day,
      '\\x00ff10'::bytea AS bytes, $1::bytea AS bytes_param, $2::timestamptz AS at_param, $3::jsonb AS doc_param, $4::int8[] AS bigs_param,
      '1 day'::interval AS span, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id`
    const params = [new Uint8Array([1, 2, 250]), new Date('2026-05-06T07:08:09Z'), JSON.stringify({ k: ['v'] }), [5, 6]]
    const inThread = await PGlite.create()
    try {
      const expected = (await inThread.query(sql, params)).rows
      const got = (await db.query(sql, params)).rows
      expect(got).toStrictEqual(expected)
      expect(got[0]).toMatchObject({ big: 7, num: '12.30', at: new Date('2026-01-02T03:04:05.678Z'), bytes: new Uint8Array([0, 255, 16]) })
      expect((got[0] as { bytes: unknown }).bytes).toBeInstanceOf(Uint8Array)
    } finally {
      await inThread.close()
    }
  })

  it('rethrows database errors with their SQLSTATE code and fields', async () => {
    await db.exec('CREATE TABLE worker_t (id int PRIMARY KEY, n int CHECK (n > 0))')
    await db.query('INSERT INTO worker_t VALUES (1, 1)')
    const dup = await db.query('INSERT INTO worker_t VALUES (1, 1)').catch((e: unknown) => e)
    expect(dup).toBeInstanceOf(Error)
    expect(dup).toMatchObject({ code: '23505', constraint: 'worker_t_pkey', table: 'worker_t', message: expect.stringMatching(/duplicate key/) })
    await expect(db.query('SELECT $1::int', ['seven'])).rejects.toMatchObject({ code: '22P02' })
    await expect(db.query('INSERT INTO worker_t VALUES (2, 0)')).rejects.toMatchObject({ code: '23514' })
    await expect(db.exec('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' })
    // Parameters that cannot reach the worker fail that query alone.
    await expect(db.query('SELECT $1', [() => 1])).rejects.toThrow(/could not be cloned/)
    expect((await db.query('SELECT count(*)::int AS n FROM worker_t')).rows).toEqual([{ n: 1 }])
  })

  it('commits, and rolls back when the callback throws, rethrowing its error', async () => {
    await db.exec('CREATE TABLE worker_tx (id int PRIMARY KEY)')
    expect(await db.transaction(async (tx) => (await tx.query('INSERT INTO worker_tx VALUES (1), (2)')).affectedRows)).toBe(2)
    const thrown = new Error('changed my mind')
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO worker_tx VALUES (3)')
        throw thrown
      }),
    ).rejects.toBe(thrown)
    // A failed statement aborts the transaction; later ones are refused (25P02) and nothing is kept.
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO worker_tx VALUES (4)')
        await tx.query('INSERT INTO worker_tx VALUES (1)').catch(() => {})
        await tx.query('INSERT INTO worker_tx VALUES (5)')
      }),
    ).rejects.toMatchObject({ code: '25P02' })
    expect((await db.query('SELECT array_agg(id ORDER BY id) AS ids FROM worker_tx')).rows).toEqual([{ ids: [1, 2] }])
  })

  it('makes queries from outside an open transaction wait until it ends', async () => {
    await db.exec('CREATE TABLE worker_wait (id int)')
    let outside: Promise<unknown> | undefined
    const order: string[] = []
    await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO worker_wait VALUES (1)')
        outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM worker_wait').then((r) => {
          order.push('outside')
          return r.rows[0].n
        })
        // This goes to the worker after the outside query: were that one not held back it would have run first.
        await tx.query('INSERT INTO worker_wait VALUES (2)')
        order.push('transaction')
        throw new Error('roll back')
      })
      .catch(() => {})
    // Run inside the transaction, the outside query would have counted its uncommitted rows.
    expect(await outside).toBe(0)
    expect(order).toEqual(['transaction', 'outside'])
  })

  it('refuses a transaction handle used after its transaction ended', async () => {
    let kept: Queryable | undefined
    await db.transaction(async (tx) => {
      kept = tx
    })
    await expect(kept!.query('SELECT 1')).rejects.toThrow(/Transaction is closed/)
  })

  it('loads COPY data from a blob and dumps the data directory', async () => {
    await db.exec('CREATE TABLE worker_copy (id int, name text)')
    await db.transaction((tx) => tx.query(`COPY worker_copy FROM '/dev/blob'`, [], { blob: new Blob(['1\tone\n2\ttwo\n']) }))
    expect((await db.query('SELECT name FROM worker_copy ORDER BY id')).rows).toEqual([{ name: 'one' }, { name: 'two' }])
    const tarball = await db.dumpDataDir('gzip')
    expect(tarball).toBeInstanceOf(Uint8Array)
    expect([...tarball.subarray(0, 2)]).toEqual([0x1f, 0x8b])
  })

  it('rejects queries after close, and closing twice is harmless', async () => {
    const own = await openPglite({ loadDataDir: new Blob([await db.dumpDataDir('none')]) })
    expect((await own.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    await own.close()
    await own.close()
    await expect(own.query('SELECT 1')).rejects.toThrow(/PGlite is closed/)
  })

  it('turns a worker that dies into rejected queries and one crash report', async () => {
    const scripted = (onMessage: string) =>
      new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ id: 0 }); parentPort.on('message', ${onMessage})`, { eval: true })
    const crashes: Error[] = []
    const exits = await connectPgliteWorker(scripted('() => process.exit(7)'), (err) => crashes.push(err))
    await expect(exits.query('SELECT 1')).rejects.toThrow(/PGlite worker stopped \(exit code 7\)/)
    await expect(exits.query('SELECT 1')).rejects.toThrow(/exit code 7/)
    const throws = await connectPgliteWorker(scripted(`() => { throw new Error('boom') }`), (err) => crashes.push(err))
    await expect(throws.transaction(async () => {})).rejects.toThrow(/uncaught Error: boom/)
    expect(crashes.map((e) => e.message)).toEqual([
      'the PGlite worker stopped (exit code 7)',
      'the PGlite worker stopped (uncaught Error: boom)',
    ])
  })
})

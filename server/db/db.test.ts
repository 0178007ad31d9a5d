import { expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { migrate } from './migrate.ts'

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

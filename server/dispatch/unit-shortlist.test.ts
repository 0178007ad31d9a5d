import { expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import type { Principal } from '../auth/principal.ts'
import type { Queryable } from '../db/db.ts'
import { createRng } from '../../geo/random.ts'
import { fallbackUnits, LATEST_CELL_DEG, shortlistUnits } from './unit-shortlist.ts'

const everyone: Principal = { userId: 1, username: 'disp', role: 'dispatcher', areas: 'all', layers: new Set() }
const incident = { lon: -56.16049, lat: -34.90051 }
const query = { ...incident, radiusM: 100_000, staleAfterS: 300, principal: everyone }

describeBackends('unit shortlist over the cell index', ({ db }) => {
  // 400 units crowded within about 300 m of the incident, many cells holding several: the cell order and the
  // exact order differ often, and a shortlist of 5 needs more than its first walk.
  const units: Array<{ id: string; lon: number; lat: number; available: boolean }> = []
  it('stores each latest position with its point snapped to the cell size the search assumes', async () => {
    const rng = createRng('unit-shortlist-test', 'units')
    for (let i = 0; i < 400; i++) {
      const u = { id: `u-${i}`, lon: incident.lon + (rng() - 0.5) * 0.006, lat: incident.lat + (rng() - 0.5) * 0.006, available: rng() < 0.8 }
      units.push(u)
      await db().query(`INSERT INTO unit (id, callsign, type, shift, status) VALUES ($1, $1, 'patrol_car', 'day', $2)`, [u.id, u.available ? 'available' : 'on_scene'])
    }
    await db().query(
      `INSERT INTO unit_position_latest (unit_id, device_time, server_time, geom, source)
       SELECT id, now(), now(), ST_SetSRID(ST_MakePoint(lon, lat), 4326), 'test'
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(id, lon, lat)`,
      [units.map((u) => u.id), units.map((u) => u.lon), units.map((u) => u.lat)],
    )
    const r = await db().query<{ x: number; y: number; lon: number; lat: number }>(
      `SELECT ST_X(geom_cell) AS x, ST_Y(geom_cell) AS y, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM unit_position_latest`,
    )
    for (const p of r.rows) {
      expect(p.x).toBeCloseTo(Math.round(p.lon / LATEST_CELL_DEG) * LATEST_CELL_DEG, 9)
      expect(p.y).toBeCloseTo(Math.round(p.lat / LATEST_CELL_DEG) * LATEST_CELL_DEG, 9)
    }
  })

  const exact = (list: typeof units, n: number) =>
    list
      .map((u) => ({ id: u.id, deg: Math.hypot(u.lon - incident.lon, u.lat - incident.lat) }))
      .sort((a, b) => a.deg - b.deg)
      .slice(0, n)
      .map((u) => u.id)
      .sort()

  it('finds the same nearest units as a full comparison of exact points', async () => {
    const available = units.filter((u) => u.available)
    // Counts the walks, to be sure some shortlist here needed a second one.
    let walks = 0
    const counted: Queryable = { query: (...args) => (walks++, db().query(...args)), exec: (sql) => db().exec(sql) }
    for (const n of [1, 5, 20]) {
      const got = await shortlistUnits(counted, query, n)
      expect(got.map((u) => u.unitId).sort()).toEqual(exact(available, n))
      expect(got.map((u) => u.straightMeters)).toEqual(got.map((u) => u.straightMeters).sort((a, b) => a - b))
    }
    expect(walks).toBeGreaterThan(3)
  })

  it('fills with the nearest units not yet listed, whatever their fix age', async () => {
    await db().query(`UPDATE unit_position_latest SET device_time = now() - interval '1 hour'`)
    expect(await shortlistUnits(db(), query, 5)).toEqual([])
    const listed = exact(units.filter((u) => u.available), 3)
    const more = await fallbackUnits(db(), query, listed, 4)
    expect(more.map((u) => u.unitId).sort()).toEqual(exact(units.filter((u) => u.available && !listed.includes(u.id)), 4))
  })

  it('moves a unit within its cell without touching an index (a HOT update), across cells with one', async () => {
    const hot = await db().transaction(async (tx) => {
      const count = async () =>
        (await tx.query<{ n: number }>(`SELECT pg_stat_get_xact_tuples_hot_updated('unit_position_latest'::regclass)::int AS n`)).rows[0].n
      const move = (lon: number, lat: number) =>
        tx.query(`UPDATE unit_position_latest SET geom = ST_SetSRID(ST_MakePoint($1, $2), 4326), device_time = now() WHERE unit_id = 'u-0'`, [lon, lat])
      const cell = (v: number) => Math.round(v / LATEST_CELL_DEG) * LATEST_CELL_DEG
      const x = cell(units[0].lon)
      const y = cell(units[0].lat)
      // Counted as differences: PGlite keeps earlier transactions' counts pending here too.
      const before = await count()
      await move(x + 0.0001, y - 0.0001)
      const within = await count()
      await move(x + 0.0021, y)
      return { within: within - before, across: (await count()) - within }
    })
    expect(hot).toEqual({ within: 1, across: 0 })
  })
})

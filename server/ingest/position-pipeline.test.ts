import pino from 'pino'
import { beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { FIXTURE_GRIDS, insertTrackingFixture } from '../testing/tracking-fixture.ts'
import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import { loadDeviceRegistry } from './device-registry.ts'
import { PositionWriter } from './position-writer.ts'
import { PositionPipeline } from './position-pipeline.ts'
import type { StoredFix } from './stored-fix.ts'

const log = pino({ level: 'silent' })
const now = new Date('2026-11-23T12:00:00Z')
const at = (s: number) => new Date(now.getTime() - 600_000 + s * 1000)
const fix = (s: number, lon: number, deviceId = 'unit-0001'): PositionFix => ({
  source: 'bulk', deviceId, deviceTime: at(s), lon, lat: -34.9, speedMps: 10, headingDeg: 90, accuracyM: 5, altitudeM: null, batteryPct: 80,
})

describeBackends('position pipeline', ({ db, backend }) => {
  let pipeline: PositionPipeline
  const published: StoredFix[] = []
  const count = async (sql: string) => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n
  const latest = async (unit = 'unit-0001') =>
    (await db().query<{ t: Date; grid_code: string; x: number }>('SELECT device_time AS t, grid_code, ST_X(geom) AS x FROM unit_position_latest WHERE unit_id = $1', [unit])).rows[0]

  beforeAll(async () => {
    const grids = await insertTrackingFixture(db())
    const writer = new PositionWriter(db(), log)
    writer.onCommitted((f) => published.push(...f))
    pipeline = new PositionPipeline(await loadDeviceRegistry(db()), grids, writer, undefined, () => now)
  })

  it('stores a fix in history and as the latest position, with its grid', async () => {
    expect(await pipeline.submit([fix(0, -56.20)])).toEqual({ received: 1, accepted: 1 })
    expect(await latest()).toMatchObject({ grid_code: FIXTURE_GRIDS.west, x: -56.2 })
    expect(await count('position_history')).toBe(1)
    expect(published).toHaveLength(1)
  })

  it('stores a redelivered fix once and does not publish it again', async () => {
    expect(await pipeline.submit([fix(0, -56.20)])).toEqual({ received: 0, accepted: 0 })
    expect(await count('position_history')).toBe(1)
    expect(published).toHaveLength(1)
  })

  it('counts only the new fixes of a partly redelivered batch', async () => {
    expect(await pipeline.submit([fix(0, -56.20), fix(10, -56.1999)])).toEqual({ received: 1, accepted: 1 })
    expect(await count('position_history')).toBe(2)
    expect(published).toHaveLength(2)
    expect((await latest())!.x).toBeCloseTo(-56.1999, 6)
  })

  it('keeps an older fix in history without moving the unit back', async () => {
    await pipeline.submit([fix(30, -56.199)])
    expect(await pipeline.submit([fix(20, -56.1995)])).toEqual({ received: 1, accepted: 0 })
    expect((await latest())!.x).toBeCloseTo(-56.199, 6)
    const r = await db().query<{ verdict: string }>('SELECT verdict FROM position_history WHERE device_time = $1', [at(20)])
    expect(r.rows[0]!.verdict).toBe('out_of_order')
  })

  it('keeps a teleport in history with its verdict, and the unit where it was', async () => {
    expect(await pipeline.submit([fix(31, -56.10)])).toEqual({ received: 1, accepted: 0 })
    expect((await latest())!.x).toBeCloseTo(-56.199, 6)
  })

  it('rejects a whole submission naming each unknown device or bad clock, writing nothing', async () => {
    const before = await count('position_history')
    const future = { ...fix(40, -56.19), deviceTime: new Date(now.getTime() + 3_600_000) }
    const err = await pipeline.submit([fix(40, -56.19), fix(41, -56.19, 'stranger'), future]).catch((e) => e)
    expect(err).toBeInstanceOf(ParseError)
    expect((err as ParseError).problems.map((p) => p.path)).toEqual(['[1].deviceId', '[2].deviceTime'])
    expect(await count('position_history')).toBe(before)
  })

  it('confirms a grid change only after the unit stays, and batches concurrent submissions', async () => {
    // Two devices of the same unit; a third unit at the same time.
    const results = await Promise.all([
      pipeline.submit([fix(100, -56.16)]),
      pipeline.submit([fix(110, -56.159, 'unit-0002')]),
      pipeline.submit([fix(120, -56.158), fix(100, -56.17, 'unit-0007')]),
    ])
    expect(results.reduce((n, r) => n + r.received, 0)).toBe(4)
    const stored = await db().query<{ from_grid: string; to_grid: string; at: Date }>('SELECT from_grid, to_grid, at FROM unit_grid_transition')
    expect(stored.rows.map((r) => ({ ...r, at: new Date(r.at) }))).toEqual([{ from_grid: FIXTURE_GRIDS.west, to_grid: FIXTURE_GRIDS.east, at: at(100) }])
    expect((await latest())!.grid_code).toBe(FIXTURE_GRIDS.east)
    expect((await latest('unit-0007'))!.grid_code).toBe(FIXTURE_GRIDS.west)
  })

  it('stores a fix sent twice into one batch once, keeping the first (a redelivery while the first is in flight)', async () => {
    const before = await count('position_history')
    const first = fix(200, -56.157)
    const again = { ...fix(200, -56.157), source: 'owntracks' as const }
    const [a, b] = await Promise.all([pipeline.submit([first]), pipeline.submit([again, fix(201, -56.1569)])])
    expect([a.received, b.received]).toEqual([1, 1])
    expect(await count('position_history')).toBe(before + 2)
    const kept = await db().query<{ source: string }>('SELECT source FROM position_history WHERE unit_id = $1 AND device_time = $2', ['unit-0001', at(200)])
    expect(kept.rows).toEqual([{ source: 'bulk' }])
  })

  // A unit's first position, written by another batch while this one commits: the all-new path then meets the
  // stored row and the batch is stored again by the path that skips what is stored.
  it.runIf(backend === 'postgres')("stores a unit's first fix while another commit stores a position for it first", async () => {
    await db().exec(`INSERT INTO unit (id, callsign, type, shift) VALUES ('unit-0009', 'P-09', 'patrol_car', 'day');
      INSERT INTO device (id, unit_id) VALUES ('unit-0009', 'unit-0009')`)
    let holding!: () => void
    const held = new Promise<void>((resolve) => (holding = resolve))
    let release!: () => void
    const other = db().transaction(async (tx) => {
      await tx.query(
        `INSERT INTO unit_position_latest (unit_id, device_id, device_time, server_time, geom, source)
         VALUES ('unit-0009', 'unit-0009', $1, $1, ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), 'bulk')`,
        [at(300)],
      )
      holding()
      await new Promise<void>((resolve) => (release = resolve))
    })
    await held
    const submitted = pipeline.submit([fix(301, -56.1568, 'unit-0009')])
    // Long enough for the batch to reach the row the other transaction holds.
    await new Promise((r) => setTimeout(r, 300))
    release()
    await other
    expect(await submitted).toEqual({ received: 1, accepted: 1 })
    expect((await latest('unit-0009'))!.x).toBeCloseTo(-56.1568, 6)
    expect(await count(`position_history WHERE unit_id = 'unit-0009'`)).toBe(1)
  })
})

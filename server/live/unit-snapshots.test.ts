import { describe, expect, it } from 'vitest'
import type { UnitRow } from '../store/unit-queries.ts'
import type { UnitMove } from '../../geo/live/unit-frame.ts'
import { UnitSnapshots } from './unit-snapshots.ts'

const row = (id: string, lon: number, deviceTime: string | null): UnitRow => ({
  id, callsign: id, type: 'patrol', status: 'available', stationId: null, orgCode: null,
  lon, lat: -34.9, headingDeg: null, speedMps: null, deviceTime, gridCode: '999001002003004',
})
const move = (id: string, lon: number, iso: string): UnitMove => [id, lon, -34.9, 90, 5, Date.parse(iso), '999001002003004']

describe('shared units snapshots', () => {
  it('reads a room once for everyone and keeps it current with the frames sent meanwhile and since', async () => {
    let reads = 0
    let release!: () => void
    const loaded = new Promise<void>((r) => (release = r))
    const views = new UnitSnapshots(async () => {
      reads++
      await loaded
      return [row('u1', -56.1, '2026-11-23T12:00:00.000Z'), row('u2', -56.2, null)]
    }, 2000)
    const first = views.rows('units:999001', '999001')
    const second = views.rows('units:999001', '999001')
    // A frame sent while the database was being read, and an older move that must not win.
    views.framed('units:999001', [move('u1', -56.11, '2026-11-23T12:00:05.000Z')])
    views.framed('units:999001', [move('u1', -56.09, '2026-11-23T11:59:00.000Z')])
    release()
    expect(await first).toEqual(await second)
    expect((await first).map((r) => [r.id, r.lon, r.deviceTime])).toEqual([['u1', -56.11, '2026-11-23T12:00:05.000Z'], ['u2', -56.2, null]])
    views.framed('units:999001', [move('u2', -56.21, '2026-11-23T12:00:06.000Z'), move('stranger', 0, '2026-11-23T12:00:06.000Z')])
    const third = await views.rows('units:999001', '999001')
    expect(third.map((r) => [r.id, r.lon])).toEqual([['u1', -56.11], ['u2', -56.21]])
    // Rows handed out earlier are not changed under the sender's feet.
    expect((await first)[1].lon).toBe(-56.2)
    expect(reads).toBe(1)
  })

  it('reads the database again once the view is older than its maximum age, and after a failed read', async () => {
    let now = 0
    let reads = 0
    const views = new UnitSnapshots(async () => {
      if (++reads === 1) throw new Error('database unavailable')
      return [row('u1', -56.1, null)]
    }, 2000, () => now)
    await expect(views.rows('units:999001', '999001')).rejects.toThrow('database unavailable')
    await views.rows('units:999001', '999001')
    now = 1500
    await views.rows('units:999001', '999001')
    expect(reads).toBe(2)
    now = 2500
    await views.rows('units:999001', '999001')
    expect(reads).toBe(3)
  })
})

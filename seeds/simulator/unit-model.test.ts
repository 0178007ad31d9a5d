import { describe, expect, it } from 'vitest'
import { isOnDuty, nextShiftStart, shiftHours } from './duty.ts'
import { RoadNetwork } from './road-network.ts'
import { LATTICE_ORIGIN, LATTICE_SPEEDS, LATTICE_STEP_M, latticeNetwork } from './test-network.ts'
import { UnitModel, type SimFix, type UnitSpec } from './unit-model.ts'

const { nodes, edges } = latticeNetwork(8)
const net = new RoadNetwork(nodes, edges)
const OFFSET = -180
/** 06:00 local (UTC-3) on a Monday. */
const DAWN = Date.parse('2026-06-01T09:00:00Z')
const HOUR = 3_600_000
const centre = { lon: LATTICE_ORIGIN.lon + 0.0033, lat: LATTICE_ORIGIN.lat + 0.0027 }

function spec(type: string, shift: string | null = null, id = 'unit-0001'): UnitSpec {
  return { unitId: id, deviceId: id, type, shift: shiftHours(shift), start: centre, base: centre }
}

/** Runs a unit the way the simulator does: a fix when due, the next time from the model. */
function run(model: UnitModel, from: number, to: number): { fixes: SimFix[]; reports: number[] } {
  const fixes: SimFix[] = []
  const reports: number[] = []
  for (let t = from; t <= to; t = model.nextReportAfter(t)) {
    reports.push(t)
    const fix = model.report(t)
    if (fix) fixes.push(fix)
  }
  return { fixes, reports }
}

function metres(aLon: number, aLat: number, bLon: number, bLat: number): number {
  return Math.hypot((aLon - bLon) * net.metresPerLon, (aLat - bLat) * net.metresPerLat)
}

/** Distance from a point to the nearest edge polyline. */
function distanceToRoad(lon: number, lat: number): number {
  let best = Infinity
  for (const e of edges) {
    for (let i = 1; i < e.coords.length; i++) {
      const [ax, ay] = net.xy(...e.coords[i - 1])
      const [bx, by] = net.xy(...e.coords[i])
      const [px, py] = net.xy(lon, lat)
      const l2 = (bx - ax) ** 2 + (by - ay) ** 2
      const f = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / l2)) : 0
      best = Math.min(best, Math.hypot(px - ax - f * (bx - ax), py - ay - f * (by - ay)))
    }
  }
  return best
}

describe('UnitModel', () => {
  const options = { seed: 'test', startMs: DAWN, utcOffsetMinutes: OFFSET }

  it('is deterministic for a seed and differs between seeds', () => {
    const a = run(new UnitModel(net, spec('patrol_police'), options), DAWN, DAWN + 2 * HOUR).fixes
    const b = run(new UnitModel(net, spec('patrol_police'), options), DAWN, DAWN + 2 * HOUR).fixes
    const c = run(new UnitModel(net, spec('patrol_police'), { ...options, seed: 'other' }), DAWN, DAWN + 2 * HOUR).fixes
    expect(a.length).toBeGreaterThan(1000)
    expect(b).toEqual(a)
    expect(c.map((f) => f.lon)).not.toEqual(a.map((f) => f.lon))
  })

  it('does not depend on other units: each has its own random stream', () => {
    const alone = run(new UnitModel(net, spec('patrol_police', null, 'unit-0002'), options), DAWN, DAWN + HOUR).fixes
    const other = new UnitModel(net, spec('patrol_police', null, 'unit-0001'), options)
    const mine = new UnitModel(net, spec('patrol_police', null, 'unit-0002'), options)
    const together: SimFix[] = []
    for (let t = DAWN; t <= DAWN + HOUR; t = mine.nextReportAfter(t)) {
      other.report(t)
      const f = mine.report(t)
      if (f) together.push(f)
    }
    expect(together).toEqual(alone)
  })

  for (const type of ['patrol_police', 'grid_worker', 'urban_management'] as const) {
    it(`keeps a ${type} on the roads, with GPS noise of a few metres and rare outliers`, () => {
      const { fixes } = run(new UnitModel(net, spec(type), options), DAWN, DAWN + 4 * HOUR)
      expect(fixes.length).toBeGreaterThan(1000)
      let outliers = 0
      for (const f of fixes) {
        expect(distanceToRoad(f.trueLon, f.trueLat)).toBeLessThan(0.5)
        const error = metres(f.lon, f.lat, f.trueLon, f.trueLat)
        if (f.outlier) {
          outliers++
          expect(error).toBeGreaterThan(10)
          expect(error).toBeLessThan(110)
        } else {
          expect(error).toBeLessThan(30)
        }
        expect(f.accuracyM).toBeGreaterThanOrEqual(3)
        expect(f.headingDeg).toBeGreaterThanOrEqual(0)
        expect(f.headingDeg).toBeLessThan(360)
        expect(f.batteryPct).toBeGreaterThan(0)
        expect(f.batteryPct).toBeLessThanOrEqual(100)
      }
      const errors = fixes.filter((f) => !f.outlier).map((f) => metres(f.lon, f.lat, f.trueLon, f.trueLat))
      const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length)
      expect(rms).toBeGreaterThan(1.5)
      expect(rms).toBeLessThan(12)
      expect(outliers / fixes.length).toBeLessThan(0.03)
    })
  }

  it('drives at plausible speeds for each road class, faster on the avenue than in side streets', () => {
    const bySpeed = new Map<string, number[]>()
    for (let k = 0; k < 6; k++) {
      const { fixes } = run(new UnitModel(net, spec('patrol_police', null, `unit-${k}`), options), DAWN, DAWN + 3 * HOUR)
      for (const f of fixes) {
        if (!f.roadClass) continue
        const list = bySpeed.get(f.roadClass) ?? []
        list.push(f.trueSpeedMps)
        bySpeed.set(f.roadClass, list)
        const limit = (LATTICE_SPEEDS[f.roadClass] / 3.6) * 1.25 * 1.12
        expect(f.trueSpeedMps).toBeLessThanOrEqual(limit + 1e-9)
        expect(f.trueSpeedMps).toBeGreaterThan(2)
        expect(Math.abs(f.speedMps - f.trueSpeedMps)).toBeLessThan(0.15 * f.trueSpeedMps + 1)
      }
    }
    const mean = (c: string) => bySpeed.get(c)!.reduce((a, b) => a + b, 0) / bySpeed.get(c)!.length
    expect(mean('primary')).toBeGreaterThan(mean('residential') * 1.2)
    expect(mean('residential') * 3.6).toBeGreaterThan(15)
    expect(mean('residential') * 3.6).toBeLessThan(36)
  })

  it('walks people on foot at walking pace, never on the motorway, and they report every 10 s', () => {
    const model = new UnitModel(net, spec('volunteer_patrol'), options)
    const { fixes, reports } = run(model, DAWN, DAWN + 3 * HOUR)
    expect(model.intervalS).toBe(10)
    expect(new Set(reports.slice(1).map((t, i) => t - reports[i]))).toEqual(new Set([10_000]))
    for (const f of fixes) {
      expect(f.trueSpeedMps).toBeLessThanOrEqual(1.5)
      expect(f.roadClass).not.toBe('motorway')
    }
    expect(fixes.some((f) => f.trueSpeedMps > 1)).toBe(true)
  })

  it('reports a car every 5 s, on whole seconds, with stops between moves', () => {
    const model = new UnitModel(net, spec('patrol_police'), options)
    const { fixes, reports } = run(model, DAWN, DAWN + 2 * HOUR)
    expect(new Set(reports.slice(1).map((t, i) => t - reports[i]))).toEqual(new Set([5_000]))
    expect(fixes.every((f) => f.timeMs % 1000 === 0)).toBe(true)
    // A few dropouts, never long.
    expect(fixes.length).toBeGreaterThan(reports.length * 0.9)
    const moving = fixes.filter((f) => f.trueSpeedMps > 0).length / fixes.length
    expect(moving).toBeGreaterThan(0.15)
    expect(moving).toBeLessThan(0.9)
  })

  it('drives the one-way street only northwards', () => {
    let seen = 0
    for (let k = 0; k < 8; k++) {
      const { fixes } = run(new UnitModel(net, spec('patrol_police', null, `unit-${k}`), options), DAWN, DAWN + 2 * HOUR)
      for (const f of fixes) {
        if (f.roadClass !== 'secondary') continue
        seen++
        // North, give or take noise and the 3 m kink.
        expect(Math.min(f.headingDeg, 360 - f.headingDeg)).toBeLessThan(20)
      }
    }
    expect(seen).toBeGreaterThan(10)
  })

  it('stays in its patrol area', () => {
    const { fixes } = run(new UnitModel(net, spec('security_guard'), options), DAWN, DAWN + 6 * HOUR)
    for (const f of fixes) expect(metres(f.trueLon, f.trueLat, centre.lon, centre.lat)).toBeLessThan(300 + 2 * LATTICE_STEP_M)
  })

  it('keeps its tracker off outside its shift, and goes back to base when the shift ends', () => {
    // Day shift 08-16 local; from 06:00 to 06:00 the next day.
    const model = new UnitModel(net, spec('patrol_police', 'day'), options)
    expect(model.state).toBe('off')
    const { fixes, reports } = run(model, DAWN, DAWN + 24 * HOUR)
    const localHour = (ms: number) => new Date(ms - 3 * HOUR).getUTCHours()
    expect(fixes.length).toBeGreaterThan(4000)
    // 06:00 off, then the next report is due exactly when the shift starts.
    expect(reports[1]).toBe(DAWN + 2 * HOUR)
    for (const f of fixes) {
      const h = localHour(f.timeMs)
      // Still reporting shortly after 16:00 while driving back.
      expect(h >= 8 && h < 17).toBe(true)
    }
    const first = fixes[0]
    expect(localHour(first.timeMs)).toBe(8)
    // Briefing at base first.
    expect(metres(first.trueLon, first.trueLat, centre.lon, centre.lat)).toBeLessThan(80)
    const last = fixes[fixes.length - 1]
    expect(last.timeMs).toBeGreaterThanOrEqual(DAWN + 10 * HOUR)
    expect(metres(last.trueLon, last.trueLat, centre.lon, centre.lat)).toBeLessThan(80)
    expect(model.state).toBe('off')
    // Asleep until 08:00 the next day: few reports scheduled while off.
    expect(reports.filter((t) => localHour(t) < 8 || localHour(t) >= 17).length).toBeLessThan(10)
  })

  it('starts off-duty units at base with the tracker off, wherever they were last seen', () => {
    const far = { ...spec('patrol_police', 'night'), start: { lon: LATTICE_ORIGIN.lon, lat: LATTICE_ORIGIN.lat } }
    const model = new UnitModel(net, far, { ...options, startMs: DAWN + 6 * HOUR })
    expect(model.report(DAWN + 6 * HOUR)).toBeNull()
    expect(model.nextReportAfter(DAWN + 6 * HOUR)).toBe(nextShiftStart(shiftHours('night')!, DAWN + 6 * HOUR, OFFSET))
  })
})

describe('shifts', () => {
  it('knows the three shifts in local time', () => {
    const at = (localHour: number) => Date.parse('2026-06-01T00:00:00Z') + (localHour + 3) * HOUR
    const day = shiftHours('day')!
    const swing = shiftHours('swing')!
    const night = shiftHours('night')!
    expect([7, 8, 15, 16].map((h) => isOnDuty(day, at(h), OFFSET))).toEqual([false, true, true, false])
    expect([15, 16, 23, 24].map((h) => isOnDuty(swing, at(h), OFFSET))).toEqual([false, true, true, false])
    expect([0, 7, 8, 23].map((h) => isOnDuty(night, at(h), OFFSET))).toEqual([true, true, false, false])
    expect(isOnDuty(shiftHours('unknown'), at(3), OFFSET)).toBe(true)
    expect(nextShiftStart(day, at(9), OFFSET)).toBe(at(32))
    expect(nextShiftStart(day, at(7.5), OFFSET)).toBe(at(8))
    expect(nextShiftStart(night, at(8), OFFSET)).toBe(at(24))
  })
})

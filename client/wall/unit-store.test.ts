import { describe, expect, it } from 'vitest'
import { ICON_HEADING, ICON_STALE, STALE_COLOR, STATUS_COLORS, UnitStore } from './unit-store.ts'

const fix = (lon: number, lat: number, t: number, headingDeg: number | null = 90) => ({ lon, lat, headingDeg, speedMps: 10, deviceTimeMs: t, gridCode: null })

describe('UnitStore', () => {
  it('places a first fix at once and glides to later ones over the gap between fixes', () => {
    const s = new UnitStore()
    s.upsertMeta({ id: 'u1', callsign: 'A', type: 'patrol_police', status: 'available' })
    s.applyFix('u1', fix(-56, -34.9, 1_000_000), 0)
    expect(s.positionOf('u1')).toEqual([-56, -34.9])
    // Next fix 4 s later: the glide takes 4 s.
    s.applyFix('u1', fix(-55.99, -34.9, 1_004_000), 100)
    s.frame(100 + 2000)
    const [lon] = s.positionOf('u1')!
    expect(lon).toBeCloseTo(-55.995, 6)
    s.frame(100 + 4000)
    expect(s.positionOf('u1')).toEqual([-55.99, -34.9])
    expect(s.frame(100 + 5000)).toBe(false)
  })

  it('writes the glide out only in steps that show, or after a second, and at once for a first fix', () => {
    const s = new UnitStore()
    const step = { lonDeg: 0.0001, latDeg: 0.0001 }
    s.applyFix('u1', fix(0, 0, 0), 0)
    expect(s.frame(0, step)).toBe(true)
    // 0.001° over 5 s: a step's worth every half second.
    s.applyFix('u1', fix(0.001, 0, 5_000), 0)
    expect(s.frame(250, step)).toBe(false)
    expect(s.positionOf('u1')).toEqual([0, 0])
    expect(s.frame(600, step)).toBe(true)
    expect(s.positionOf('u1')![0]).toBeCloseTo(0.00012, 9)
    // Closer in, the step is smaller: the same glide is written every frame.
    expect(s.frame(616, { lonDeg: 1e-6, latDeg: 1e-6 })).toBe(true)

    // A unit that only turns where it stands is written within a second.
    const t = new UnitStore()
    t.applyFix('u2', fix(1, 1, 0, 0), 0)
    expect(t.frame(0, step)).toBe(true)
    t.applyFix('u2', fix(1, 1, 1000, 180), 0)
    expect(t.frame(500, step)).toBe(false)
    expect(t.angles[0]).toBeCloseTo(0, 9)
    expect(t.frame(1000, step)).toBe(true)
    expect(t.angles[0]).toBe(-180)
  })

  it('never moves a unit back for an older fix, and starts a new glide from where it is drawn', () => {
    const s = new UnitStore()
    s.applyFix('u1', fix(0, 0, 10_000), 0)
    s.applyFix('u1', fix(0.001, 0, 12_000), 0)
    expect(s.applyFix('u1', fix(-1, 0, 11_000), 500)).toBe(false)
    s.frame(1000)
    const mid = s.positionOf('u1')![0]
    expect(mid).toBeCloseTo(0.0005, 6)
    s.applyFix('u1', fix(0.002, 0, 14_000), 1000)
    s.frame(1000)
    expect(s.positionOf('u1')![0]).toBeCloseTo(mid, 9)
  })

  it('greys stale units and colours the others by status', () => {
    const s = new UnitStore({ staleMs: 120_000 })
    s.upsertMeta({ id: 'a', status: 'dispatched' })
    s.upsertMeta({ id: 'b', status: 'available' })
    s.applyFix('a', fix(0, 0, 0), 0)
    s.applyFix('b', fix(0, 0, 100_000), 0)
    expect(s.refreshStale(200_000)).toBe(1)
    expect([...s.colors.subarray(0, 4)]).toEqual(STALE_COLOR)
    expect(s.icons[0]).toBe(ICON_STALE)
    expect([...s.colors.subarray(4, 8)]).toEqual(STATUS_COLORS.available)
    expect(s.icons[1]).toBe(ICON_HEADING)
    // A fresh fix brings it back.
    s.applyFix('a', fix(0.001, 0, 199_000), 0)
    expect([...s.colors.subarray(0, 4)]).toEqual(STATUS_COLORS.dispatched)
  })

  it('removes units missing from a snapshot and keeps the others in dense slots', () => {
    const s = new UnitStore()
    for (const id of ['a', 'b', 'c']) s.applyFix(id, fix(id.charCodeAt(0), 0, 1000), 0)
    s.replaceAll([{ id: 'c', lon: 99, lat: 0, deviceTimeMs: 1000 }, { id: 'b' }], 0)
    expect(s.count).toBe(2)
    expect(s.has('a')).toBe(false)
    expect(s.positionOf('c')).toEqual(['c'.charCodeAt(0), 0])
    expect(s.positionOf('b')).toEqual(['b'.charCodeAt(0), 0])
  })

  it('builds trails whose last vertex is the newest fix at the end of its glide', () => {
    const s = new UnitStore()
    s.applyFix('u', fix(0, 0, 0), 0)
    s.applyFix('u', fix(0.001, 0, 2000), 1000)
    const t = s.buildTrails(1500, 60_000)
    expect(t.length).toBe(1)
    expect([...t.startIndices]).toEqual([0, 3])
    expect(t.path[t.path.length - 2]).toBe(0.001)
    expect(t.timestamps[2]).toBeCloseTo(3, 6)
  })

  it('leaves out the second vertex where a glide ended just as the next fix came in', () => {
    const s = new UnitStore()
    s.applyFix('u', fix(0, 0, 0), 0)
    s.applyFix('u', fix(0.001, 0, 1000), 0)
    s.frame(1000)
    // The glide to 0.001 ended at 1,000 ms; the next fix starts from there 20 ms later.
    s.applyFix('u', fix(0.002, 0, 2000), 1020)
    const t = s.buildTrails(1500, 60_000)
    expect([...t.startIndices]).toEqual([0, 3])
    expect([...t.path].filter((_, k) => k % 2 === 0)).toEqual([0, 0.001, 0.002])
  })

    it('leaves out inner trail vertices closer than the step to the last one kept, never the newest', () => {
    const s = new UnitStore()
    s.applyFix('u', fix(0, 0, 0), 0)
    // 0.0004° a second, each fix as the last glide ends.
    for (let k = 1; k <= 5; k++) {
      s.frame(1000 * (k - 1))
      s.applyFix('u', fix(0.0004 * k, 0, 1000 * k), 1000 * (k - 1))
    }
    const lons = (step: number) => [...s.buildTrails(5500, 60_000, step).path].filter((_, k) => k % 2 === 0)
    expect(lons(0).map((x) => +x.toFixed(4))).toEqual([0, 0.0004, 0.0008, 0.0012, 0.0016, 0.002])
    expect(lons(0.001).map((x) => +x.toFixed(4))).toEqual([0, 0.0012, 0.002])
  })

    it('grows past its initial capacity', () => {
    const s = new UnitStore()
    for (let i = 0; i < 1000; i++) s.applyFix(`u${i}`, fix(i / 1000, 0, 1000), 0)
    expect(s.count).toBe(1000)
    expect(s.positionOf('u999')).toEqual([0.999, 0])
  })
})

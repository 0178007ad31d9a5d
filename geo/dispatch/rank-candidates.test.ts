import { describe, expect, it } from 'vitest'
import { rankCandidates, type Candidate, type RankContext } from './rank-candidates.ts'
import { reasonLabel } from './reasons.ts'

const ctx: RankContext = { gridCode: 'G1', neighbours: new Set(['G2']), staleAfterS: 300, radiusM: 5000 }
const leg = (seconds: number) => ({ seconds, meters: seconds * 10, geometry: [[0, 0], [0.001, 0.001]] as [number, number][] })
const unit = (unitId: string, over: Partial<Candidate>): Candidate => ({
  unitId, callsign: unitId.toUpperCase(), gridCode: 'G9', lon: 0, lat: 0, straightMeters: 100, fixAgeS: 10, leg: leg(60), ...over,
})

describe('rankCandidates', () => {
  it('orders by road ETA, not by straight line', () => {
    const order = rankCandidates([unit('a', { straightMeters: 50, leg: leg(300) }), unit('b', { straightMeters: 900, leg: leg(40) })], ctx)
    expect(order.map((r) => r.unitId)).toEqual(['b', 'a'])
    expect(order[0]).toMatchObject({ etaSeconds: 40, meters: 400, straightMeters: 900, route: { type: 'LineString' } })
  })

  it('prefers the own grid, then a neighbouring grid, at equal ETA (whole seconds)', () => {
    const order = rankCandidates([
      unit('other', { straightMeters: 10, leg: leg(60.2) }),
      unit('next', { gridCode: 'G2', straightMeters: 20, leg: leg(59.9) }),
      unit('own', { gridCode: 'G1', straightMeters: 30, leg: leg(60.4) }),
      unit('faster', { straightMeters: 40, leg: leg(58.4) }),
    ], ctx)
    expect(order.map((r) => r.unitId)).toEqual(['faster', 'own', 'next', 'other'])
    expect(order[1].reasons).toEqual([{ code: 'own_grid', zh: '本网格', en: 'own grid' }])
    expect(order[2].reasons.map((r) => r.code)).toEqual(['neighbouring_grid'])
  })

  it('puts stale and out-of-radius units after fresh ones inside the radius, and unroutable ones last in their tier', () => {
    const order = rankCandidates([
      unit('stale', { fixAgeS: 185, leg: leg(10) }),
      unit('far', { straightMeters: 7000, leg: leg(20) }),
      unit('noroad', { leg: null }),
      unit('ok', { leg: leg(500) }),
    ], { ...ctx, staleAfterS: 120 })
    expect(order.map((r) => r.unitId)).toEqual(['ok', 'noroad', 'stale', 'far'])
    expect(order[1]).toMatchObject({ etaSeconds: null, meters: null, route: null })
    expect(order[1].reasons.map((r) => r.code)).toEqual(['no_road_route'])
    expect(order[2].reasons).toEqual([{ code: 'stale_fix', fixAgeS: 185, zh: '定位过时 3 分钟', en: 'stale fix 3 min' }])
    expect(order[3].reasons).toEqual([{ code: 'outside_radius', radiusM: 5000, zh: '超出 5 公里范围', en: 'outside 5 km radius' }])
  })

  it('labels every reason in both languages', () => {
    expect(reasonLabel({ code: 'neighbouring_grid' }, 'zh')).toBe('相邻网格')
    expect(reasonLabel({ code: 'no_road_route' }, 'en')).toBe('no road route, straight line only')
    expect(reasonLabel({ code: 'outside_radius', radiusM: 2500 }, 'en')).toBe('outside 2.5 km radius')
  })
})

import KDBush from 'kdbush'
import { beforeAll, describe, expect, it } from 'vitest'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { loadMontevideo, MONTEVIDEO_BBOX } from '../osm/city-layers.ts'
import { CATEGORY_CATALOGUE } from './category-catalogue.ts'
import {
  generateIncidentHistory,
  incidentPlacesFromCity,
  type HistoricIncident,
  type IncidentHistoryOptions,
  type IncidentPlaces,
} from './incident-history.ts'

const END = new Date('2026-11-23T00:00:00Z')
const OPTIONS: IncidentHistoryOptions = { count: 200_000, seed: 7, end: END, days: 365 }
const UTC_OFFSET_MS = -3 * 3_600_000

function take<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = []
  for (const item of items) {
    if (out.length === n) break
    out.push(item)
  }
  return out
}

const localHour = (d: Date): number => new Date(d.getTime() + UTC_OFFSET_MS).getUTCHours()
const localDow = (d: Date): number => new Date(d.getTime() + UTC_OFFSET_MS).getUTCDay()

const LIFECYCLE = ['reportedAt', 'filedAt', 'dispatchedAt', 'handledAt', 'reportedBackAt', 'verifiedAt', 'closedAt'] as const

/** The timestamps a case in each state must have (true) and must not have (false). */
const SET_BY_STATE: Record<HistoricIncident['state'], readonly boolean[]> = {
  reported: [true, false, false, false, false, false, false],
  filed: [true, true, false, false, false, false, false],
  dispatched: [true, true, true, false, false, false, false],
  handled: [true, true, true, true, false, false, false],
  reported_back: [true, true, true, true, true, false, false],
  verified: [true, true, true, true, true, true, false],
  closed: [true, true, true, true, true, true, true],
  voided: [true, true, false, false, false, false, true],
  rejected: [true, false, false, false, false, false, true],
}

let places: IncidentPlaces
/** One streamed pass over OPTIONS, reduced to what the tests look at. */
const stats = {
  n: 0,
  lifecycleErrors: [] as string[],
  outOfOrder: 0,
  hours: new Array<number>(24).fill(0),
  dows: new Array<number>(7).fill(0),
  states: new Map<string, number>(),
  nearHotspot: 0,
  late: 0,
  reopened: 0,
  closed: 0,
  openOlderThan60Days: 0,
  noiseAtNight: 0,
  noise: 0,
  parkingNearMarkets: 0,
  nearMarkets: 0,
  parkingAwayFromHotspots: 0,
  awayFromHotspots: 0,
  outsideBbox: 0,
}

beforeAll(async () => {
  places = incidentPlacesFromCity(await loadMontevideo())
  const scale = metresPerDegree(-34.88)
  const index = (points: readonly { lon: number; lat: number }[]): KDBush => {
    const kd = new KDBush(points.length)
    for (const p of points) kd.add(p.lon * scale.lon, p.lat * scale.lat)
    return kd.finish()
  }
  const hotspots = index(Object.values(places.hotspots).flat())
  const markets = index(places.hotspots.market)
  const limits = new Map(CATEGORY_CATALOGUE.map((c) => [c.code, c.limitsMinutes]))
  const [west, south, east, north] = MONTEVIDEO_BBOX
  let previous = 0
  for (const inc of generateIncidentHistory(places, OPTIONS)) {
    stats.n++
    const reported = inc.reportedAt.getTime()
    if (reported < previous) stats.outOfOrder++
    previous = reported
    const times = LIFECYCLE.map((k) => inc[k]?.getTime() ?? null)
    const set = times.map((t) => t !== null)
    if (set.join() !== SET_BY_STATE[inc.state].join()) stats.lifecycleErrors.push(`${inc.sourceId} ${inc.state} ${set}`)
    const present = times.filter((t): t is number => t !== null)
    if (present.some((t, i) => i > 0 && t < present[i - 1]) || present.some((t) => t > END.getTime())) {
      stats.lifecycleErrors.push(`${inc.sourceId} unordered`)
    }
    stats.hours[localHour(inc.reportedAt)]++
    stats.dows[localDow(inc.reportedAt)]++
    stats.states.set(inc.state, (stats.states.get(inc.state) ?? 0) + 1)
    const [x, y] = [inc.lon * scale.lon, inc.lat * scale.lat]
    const nearHotspot = hotspots.within(x, y, 300).length > 0
    const nearMarket = markets.within(x, y, 100).length > 0
    const parking = inc.categoryCode === 'EV-0301'
    if (nearHotspot) stats.nearHotspot++
    else {
      stats.awayFromHotspots++
      if (parking) stats.parkingAwayFromHotspots++
    }
    if (nearMarket) {
      stats.nearMarkets++
      if (parking) stats.parkingNearMarkets++
    }
    if (inc.categoryCode === 'EV-0401') {
      stats.noise++
      const h = localHour(inc.reportedAt)
      if (h >= 20 || h < 4) stats.noiseAtNight++
    }
    if (inc.lon < west || inc.lon > east || inc.lat < south || inc.lat > north) stats.outsideBbox++
    if (inc.state === 'closed') {
      stats.closed++
      if (inc.reopenCount > 0) stats.reopened++
      const l = limits.get(inc.categoryCode)!
      const minutes = (a: Date | null, b: Date | null): number => (b!.getTime() - a!.getTime()) / 60_000
      if (minutes(inc.reportedAt, inc.filedAt) > l.file || minutes(inc.filedAt, inc.dispatchedAt) > l.dispatch) stats.late++
    } else if (inc.closedAt === null && END.getTime() - reported > 60 * 86_400_000) {
      stats.openOlderThan60Days++
    }
  }
})

describe('generateIncidentHistory', () => {
  it('streams exactly `count` incidents, oldest first, inside the window and the city', () => {
    expect(stats.n).toBe(OPTIONS.count)
    expect(stats.outOfOrder).toBe(0)
    expect(stats.outsideBbox / stats.n).toBeLessThan(0.001)
  })

  it('is deterministic: the same seed gives the same first 1000 incidents, another seed different ones', () => {
    const a = take(generateIncidentHistory(places, OPTIONS), 1000)
    const b = take(generateIncidentHistory(places, OPTIONS), 1000)
    const c = take(generateIncidentHistory(places, { ...OPTIONS, seed: 8 }), 1000)
    expect(b).toEqual(a)
    expect(c.map((i) => i.categoryCode)).not.toEqual(a.map((i) => i.categoryCode))
    expect(c.map((i) => i.lon)).not.toEqual(a.map((i) => i.lon))
  })

  it('keeps every lifecycle ordered and consistent with its state, nothing after `end`', () => {
    expect(stats.lifecycleErrors.slice(0, 5)).toEqual([])
  })

  it('closes most cases, voids or rejects a few per cent, and leaves only recent ones open', () => {
    const share = (s: string): number => (stats.states.get(s) ?? 0) / stats.n
    expect(share('closed')).toBeGreaterThan(0.9)
    expect(share('voided') + share('rejected')).toBeGreaterThan(0.01)
    expect(share('voided') + share('rejected')).toBeLessThan(0.08)
    const open = stats.n - stats.closed - (stats.states.get('voided') ?? 0) - (stats.states.get('rejected') ?? 0)
    expect(open).toBeGreaterThan(0)
    expect(stats.openOlderThan60Days).toBe(0)
  })

  it('runs some cases late and reopens a few', () => {
    expect(stats.late / stats.closed).toBeGreaterThan(0.01)
    expect(stats.late / stats.closed).toBeLessThan(0.2)
    expect(stats.reopened / stats.closed).toBeGreaterThan(0.01)
    expect(stats.reopened / stats.closed).toBeLessThan(0.1)
  })

  it('has a night trough and a daytime peak', () => {
    const { hours } = stats
    const max = Math.max(...hours)
    const min = Math.min(...hours)
    expect(hours.indexOf(min)).toBeGreaterThanOrEqual(2)
    expect(hours.indexOf(min)).toBeLessThanOrEqual(5)
    expect(hours.indexOf(max)).toBeGreaterThanOrEqual(9)
    expect(hours.indexOf(max)).toBeLessThanOrEqual(20)
    expect(hours[4]).toBeLessThan(max * 0.15)
  })

  it('is busier on weekdays than at weekends', () => {
    const [sun, mon, tue, wed, thu, fri, sat] = stats.dows
    expect((mon + tue + wed + thu + fri) / 5).toBeGreaterThan(((sat + sun) / 2) * 1.1)
  })

  it('concentrates around hotspot places', () => {
    expect(stats.nearHotspot / stats.n).toBeGreaterThanOrEqual(0.25)
  })

  it('mixes categories by place and hour: parking at markets, noise at night', () => {
    const parkingAway = stats.parkingAwayFromHotspots / stats.awayFromHotspots
    expect(stats.parkingNearMarkets / stats.nearMarkets).toBeGreaterThan(parkingAway * 1.5)
    expect(stats.noiseAtNight / stats.noise).toBeGreaterThan(0.5)
  })

  it('streams a million rows without holding them', () => {
    let n = 0
    let last: HistoricIncident | undefined
    for (const inc of generateIncidentHistory(places, { ...OPTIONS, count: 1_000_000 })) {
      n++
      last = inc
    }
    expect(n).toBe(1_000_000)
    expect(last!.sourceId).toBe('hist-1000000')
  })

  it('rejects options it cannot honour', () => {
    const run = (o: Partial<IncidentHistoryOptions>): unknown => generateIncidentHistory(places, { ...OPTIONS, ...o }).next()
    expect(() => run({ count: -1 })).toThrow(/count/)
    expect(() => run({ count: 1.5 })).toThrow(/count/)
    expect(() => run({ days: 0 })).toThrow(/days/)
    expect(() => generateIncidentHistory({ ...places, addresses: new Float64Array() }, OPTIONS).next()).toThrow(/address/)
  })
})

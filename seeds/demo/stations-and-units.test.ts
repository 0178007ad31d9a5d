import { beforeAll, describe, expect, it } from 'vitest'
import { loadMontevideo, MONTEVIDEO_BBOX, type CityLayers } from '../osm/city-layers.ts'
import { DEPARTMENTS } from './departments.ts'
import { MAX_UNITS, SHIFT_HOURS, stationsAndUnits, UNIT_TYPES, type Unit } from './stations-and-units.ts'

let city: CityLayers

beforeAll(async () => {
  city = await loadMontevideo()
})

const inBbox = ([lon, lat]: readonly number[]): boolean =>
  lon >= MONTEVIDEO_BBOX[0] && lon <= MONTEVIDEO_BBOX[2] && lat >= MONTEVIDEO_BBOX[1] && lat <= MONTEVIDEO_BBOX[3]

describe('stations', () => {
  it('are the real police stations of the city, numbered, with a Chinese name', () => {
    const { stations } = stationsAndUnits(city)
    const police = city.pois.features.filter((f) => f.properties.kind === 'police')
    // A few stations are mapped twice in OSM and counted once.
    expect(stations.length).toBeGreaterThan(police.length - 5)
    expect(stations.length).toBeLessThanOrEqual(police.length)
    stations.forEach((s, i) => {
      expect(s.id).toBe(`station-${String(i + 1).padStart(2, '0')}`)
      expect(s.nameZh).toMatch(/\p{Script=Han}/u)
      expect(inBbox([s.lon, s.lat])).toBe(true)
    })
    expect(stations.find((s) => s.name === 'Seccional 1a.')?.nameZh).toBe('第1警区')
  })
})

describe('units', () => {
  it('default to 200 and honour the count up to 20,000', () => {
    expect(stationsAndUnits(city).units).toHaveLength(200)
    expect(stationsAndUnits(city, { count: 37 }).units).toHaveLength(37)
    expect(stationsAndUnits(city, { count: MAX_UNITS }).units).toHaveLength(MAX_UNITS)
  })

  it('reject counts out of range', () => {
    for (const count of [0, -1, 2.5, MAX_UNITS + 1]) expect(() => stationsAndUnits(city, { count })).toThrow(/unit count/)
  })

  it('are deterministic for a seed', () => {
    expect(stationsAndUnits(city, { seed: 3 }).units).toEqual(stationsAndUnits(city, { seed: 3 }).units)
    expect(stationsAndUnits(city, { seed: 4 }).units).not.toEqual(stationsAndUnits(city, { seed: 3 }).units)
  })

  it('have unique ids, device ids and callsigns, and coherent fields', () => {
    const { stations, units } = stationsAndUnits(city, { count: 5000 })
    const stationIds = new Set(stations.map((s) => s.id))
    const departments = new Set<string>(DEPARTMENTS.map((d) => d.code))
    expect(new Set(units.map((u) => u.id)).size).toBe(units.length)
    expect(new Set(units.map((u) => u.callsign)).size).toBe(units.length)
    expect(units[0].id).toBe('unit-0001')
    for (const u of units) {
      expect(u.deviceId).toBe(u.id)
      expect(UNIT_TYPES).toContain(u.type)
      expect(departments).toContain(u.departmentCode)
      expect([u.shiftStartHour, u.shiftEndHour]).toEqual([SHIFT_HOURS[u.shift].start, SHIFT_HOURS[u.shift].end])
      expect(inBbox(u.home)).toBe(true)
      if (u.type === 'grid_worker' || u.type === 'urban_management') expect(u.stationId).toBeNull()
      else expect(stationIds).toContain(u.stationId)
    }
  })

  it('mix the types realistically and spread patrols over every precinct even at 200', () => {
    const { stations, units } = stationsAndUnits(city)
    const count = (type: Unit['type']): number => units.filter((u) => u.type === type).length
    expect(count('patrol_police')).toBe(50)
    expect(count('grid_worker')).toBeGreaterThan(count('special_police'))
    for (const type of UNIT_TYPES) expect(count(type), type).toBeGreaterThan(0)
    for (const s of stations.filter((st) => st.role === 'precinct')) {
      expect(units.some((u) => u.stationId === s.id && u.type === 'patrol_police'), s.name).toBe(true)
    }
    // Grid workers screen their grids by day.
    expect(units.filter((u) => u.type === 'grid_worker').every((u) => u.shift === 'day')).toBe(true)
  })
})

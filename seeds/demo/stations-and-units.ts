import { distance } from '@turf/turf'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { createRng, normal, weightedSampler, type Rng } from '../../geo/random.ts'
import type { CityLayers } from '../osm/city-layers.ts'
import type { DepartmentCode } from './departments.ts'

/**
 * The demo city's field force: police-based units at the real police stations of the city, and grid workers
 * and urban-management officers who live and work in their own grids. Deterministic for a seed and count.
 */

export const UNIT_TYPES = [
  'patrol_police', 'traffic_police', 'station_officer', 'special_police', 'joint_defence',
  'security_guard', 'volunteer_patrol', 'grid_worker', 'urban_management',
] as const
export type UnitType = (typeof UNIT_TYPES)[number]

export const SHIFTS = ['day', 'swing', 'night'] as const
export type Shift = (typeof SHIFTS)[number]

/** Local hours [start, end); three eight-hour shifts cover the clock. */
export const SHIFT_HOURS: Readonly<Record<Shift, { readonly start: number; readonly end: number }>> = {
  day: { start: 8, end: 16 },
  swing: { start: 16, end: 24 },
  night: { start: 0, end: 8 },
}

/** What a police site is for decides which units it hosts. */
export type StationRole = 'precinct' | 'patrol_base' | 'special' | 'traffic' | 'office'

export interface Station {
  /** `station-01`...; the two digits are the station number in callsigns. */
  id: string
  /** The OSM name (Spanish). */
  name: string
  nameZh: string
  role: StationRole
  lon: number
  lat: number
  osmId: number | null
}

export interface Unit {
  /** `unit-0001`...; also the tracker's device id, as in the OsmAnd and OwnTracks samples. */
  id: string
  callsign: string
  type: UnitType
  /** Null for grid workers and urban-management officers, who are based in their grids. */
  stationId: string | null
  departmentCode: DepartmentCode
  shift: Shift
  shiftStartHour: number
  shiftEndHour: number
  deviceId: string
  home: [number, number]
}

export interface UnitOptions {
  /** 1 to 20,000; default 200. */
  count?: number
  seed?: number | string
}

export const MAX_UNITS = 20_000
const DEFAULT_UNITS = 200

interface TypeSpec {
  /** Share of the whole force. */
  share: number
  callsignZh: string
  departmentCode: DepartmentCode
  /** Weights of day, swing, night: round-the-clock forces lean to the busy evening. */
  shifts: readonly [number, number, number]
  /** Ground staff are based in the grids, not at a station. */
  stationBased: boolean
}

const TYPE_SPECS: Readonly<Record<UnitType, TypeSpec>> = {
  patrol_police: { share: 0.25, callsignZh: '巡逻', departmentCode: 'POLICE_STATION', shifts: [0.35, 0.4, 0.25], stationBased: true },
  traffic_police: { share: 0.1, callsignZh: '交警', departmentCode: 'TRAFFIC_POLICE', shifts: [0.5, 0.35, 0.15], stationBased: true },
  station_officer: { share: 0.13, callsignZh: '社区', departmentCode: 'POLICE_STATION', shifts: [0.6, 0.25, 0.15], stationBased: true },
  special_police: { share: 0.04, callsignZh: '特警', departmentCode: 'POLICE_STATION', shifts: [0.3, 0.4, 0.3], stationBased: true },
  joint_defence: { share: 0.1, callsignZh: '联防', departmentCode: 'SUBDISTRICT', shifts: [0.2, 0.5, 0.3], stationBased: true },
  security_guard: { share: 0.08, callsignZh: '保安', departmentCode: 'POLICE_STATION', shifts: [0.4, 0.3, 0.3], stationBased: true },
  volunteer_patrol: { share: 0.08, callsignZh: '志愿', departmentCode: 'SUBDISTRICT', shifts: [0.6, 0.4, 0], stationBased: true },
  grid_worker: { share: 0.14, callsignZh: '网格', departmentCode: 'SUBDISTRICT', shifts: [1, 0, 0], stationBased: false },
  urban_management: { share: 0.08, callsignZh: '城管', departmentCode: 'URBAN_ENFORCEMENT', shifts: [0.7, 0.3, 0], stationBased: false },
}

/** How many units of each type a site of each role takes, relative to other sites. */
const HOSTING: Readonly<Record<StationRole, Partial<Record<UnitType, number>>>> = {
  precinct: { patrol_police: 1, traffic_police: 0.5, station_officer: 1, joint_defence: 1, security_guard: 1, volunteer_patrol: 1 },
  patrol_base: { patrol_police: 4, special_police: 0.5 },
  special: { special_police: 4 },
  traffic: { traffic_police: 4 },
  office: { station_officer: 0.3 },
}

/** First match wins; `$1` is the number in the name. */
const STATION_NAMES: readonly { pattern: RegExp; role: StationRole; zh: string }[] = [
  { pattern: /seccional\s*(\d+)/i, role: 'precinct', zh: '第$1警区' },
  { pattern: /zona\s*(\d+)/i, role: 'precinct', zh: '第$1区警务基地' },
  { pattern: /jefatura/i, role: 'precinct', zh: '警察总部' },
  { pattern: /comisar[ií]a\s+m[oó]vil\s+(.+)/i, role: 'precinct', zh: '$1流动警务站' },
  { pattern: /radio\s*patrulla/i, role: 'patrol_base', zh: '巡逻车基地' },
  { pattern: /guardia\s+republicana/i, role: 'special', zh: '共和国卫队' },
  { pattern: /caminera/i, role: 'traffic', zh: '公路警察局' },
  { pattern: /violencia\s+dom[eé]stica\s*(\S*)/i, role: 'office', zh: '家暴案件专队$1' },
  { pattern: /educaci[oó]n\s+policial/i, role: 'office', zh: '警察学院' },
]

function classifyStation(name: string): { role: StationRole; nameZh: string } {
  for (const { pattern, role, zh } of STATION_NAMES) {
    const match = name.match(pattern)
    if (match) return { role, nameZh: match[0].replace(pattern, zh) }
  }
  return { role: 'precinct', nameZh: `警务站（${name}）` }
}

/** OSM maps some stations twice (a node and its building); same name this close is the same station. */
const DUPLICATE_WITHIN_M = 200

/** The police stations of the city, in OSM id order so numbering survives a change of tile order. */
export function buildStations(pois: CityLayers['pois']): Station[] {
  const stations: Station[] = []
  const police = pois.features
    .filter((f) => f.properties.kind === 'police')
    .sort((a, b) => (a.properties['@id'] ?? 0) - (b.properties['@id'] ?? 0))
  for (const f of police) {
    const name = f.properties.name ?? 'Comisaría'
    const [lon, lat] = f.geometry.coordinates
    const { role, nameZh } = classifyStation(name)
    if (stations.some((s) => s.nameZh === nameZh && distance([s.lon, s.lat], [lon, lat], { units: 'meters' }) < DUPLICATE_WITHIN_M)) continue
    const id = `station-${String(stations.length + 1).padStart(2, '0')}`
    stations.push({ id, name, nameZh, role, lon, lat, osmId: f.properties['@id'] })
  }
  return stations
}

/** Splits `total` in proportion to `weights`, exactly (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : 0))
  const counts = exact.map(Math.floor)
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0, left = total - counts.reduce((a, b) => a + b, 0); k < left; k++) counts[order[k][1]]++
  return counts
}

function jittered(rng: Rng, lon: number, lat: number, metres: number): [number, number] {
  const scale = metresPerDegree(lat)
  const dLat = (normal(rng) * metres) / scale.lat
  const dLon = (normal(rng) * metres) / scale.lon
  return [Math.round((lon + dLon) * 1e7) / 1e7, Math.round((lat + dLat) * 1e7) / 1e7]
}

/**
 * Units over the stations: type counts are exact shares of `count`, each type spread over the stations that
 * host it in proportion to their capacity, so even 200 units reach every precinct.
 */
export function generateUnits(
  stations: readonly Station[],
  addresses: CityLayers['addresses'],
  options: UnitOptions = {},
): Unit[] {
  const count = options.count ?? DEFAULT_UNITS
  if (!Number.isInteger(count) || count < 1 || count > MAX_UNITS) {
    throw new RangeError(`unit count must be an integer from 1 to ${MAX_UNITS}, got ${count}`)
  }
  if (stations.length === 0) throw new RangeError('no police stations to base units at')
  if (addresses.features.length === 0) throw new RangeError('no addresses to base grid staff at')
  const rng = createRng(options.seed ?? 1, 'units')
  const typeCounts = apportion(count, UNIT_TYPES.map((t) => TYPE_SPECS[t].share))
  const units: Unit[] = []

  UNIT_TYPES.forEach((type, t) => {
    const spec = TYPE_SPECS[type]
    const shift = weightedSampler(spec.shifts)
    const add = (callsign: string, stationId: string | null, home: [number, number]): void => {
      const id = `unit-${String(units.length + 1).padStart(4, '0')}`
      const s = SHIFTS[shift(rng)]
      units.push({
        id, callsign, type, stationId, departmentCode: spec.departmentCode, shift: s,
        shiftStartHour: SHIFT_HOURS[s].start, shiftEndHour: SHIFT_HOURS[s].end, deviceId: id, home,
      })
    }
    if (!spec.stationBased) {
      for (let i = 1; i <= typeCounts[t]; i++) {
        const [lon, lat] = addresses.features[Math.floor(rng() * addresses.features.length)].geometry.coordinates
        add(`${spec.callsignZh} ${String(i).padStart(3, '0')}`, null, jittered(rng, lon, lat, 10))
      }
      return
    }
    const capacity = stations.map((s) => HOSTING[s.role][type] ?? 0)
    // A city whose stations host none of this type still gets the units, spread evenly.
    const perStation = apportion(typeCounts[t], capacity.some((c) => c > 0) ? capacity : capacity.map(() => 1))
    stations.forEach((station, i) => {
      const stationNo = station.id.slice('station-'.length)
      for (let k = 1; k <= perStation[i]; k++) {
        add(`${spec.callsignZh} ${stationNo}-${String(k).padStart(2, '0')}`, station.id, jittered(rng, station.lon, station.lat, 15))
      }
    })
  })
  return units
}

export function stationsAndUnits(
  city: Pick<CityLayers, 'pois' | 'addresses'>,
  options: UnitOptions = {},
): { stations: Station[]; units: Unit[] } {
  const stations = buildStations(city.pois)
  return { stations, units: generateUnits(stations, city.addresses, options) }
}

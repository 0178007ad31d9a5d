import type { Category, CategoryPriority } from '../../geo/catalogue/category.ts'
import { CASE_STATES, type CaseState } from '../../geo/cases/case-states.ts'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { createRng, normal, weightedSampler, type Rng } from '../../geo/random.ts'
import type { CityLayers } from '../osm/city-layers.ts'
import { CATEGORY_CATALOGUE } from './category-catalogue.ts'
import {
  HOUR_SHAPES,
  INCIDENT_PROFILES,
  INCIDENT_SOURCES,
  PLACE_KINDS,
  type IncidentSource,
  seasonFactor,
  type PlaceKind,
} from './incident-profiles.ts'
import { localTime, placeKindRates } from './incident-rhythm.ts'

/**
 * A year of plausible past cases for the analyst screens and KPIs, streamed in time order so a loader can
 * write a million rows without holding them. Counts per hour follow the place-kind rhythms exactly (the total
 * is `count`), with day-to-day noise; everything else is drawn from one seeded generator.
 */

export type HotspotKind = Exclude<PlaceKind, 'residential'>

export interface HotspotPlace {
  lon: number
  lat: number
  /** Relative pull: a central market draws more cases than a corner supermarket. */
  weight: number
}

export interface IncidentPlaces {
  /** Address points, interleaved lon, lat: the background follows where people live. */
  addresses: Float64Array
  hotspots: Readonly<Record<HotspotKind, readonly HotspotPlace[]>>
}

export interface IncidentHistoryOptions {
  count: number
  seed: number | string
  /** The newest report is before this instant; cases still running at `end` are open. */
  end: Date
  days: number
  /** Local clock for the daily rhythm; Montevideo is UTC-3 all year. */
  utcOffsetMinutes?: number
}

/**
 * The state after the last step a case completed, or how it left the workflow early. History files and
 * approves in one go, so it never leaves a case awaiting approval.
 */
export const HISTORIC_INCIDENT_STATES = CASE_STATES.filter(
  (s): s is Exclude<CaseState, 'pending_approval'> => s !== 'pending_approval',
)
export type HistoricIncidentState = (typeof HISTORIC_INCIDENT_STATES)[number]

export interface HistoricIncident {
  /** Stable per row number, so a reload can skip what is already there. */
  sourceId: string
  categoryCode: string
  source: IncidentSource
  lon: number
  lat: number
  priority: CategoryPriority
  state: HistoricIncidentState
  reportedAt: Date
  filedAt: Date | null
  dispatchedAt: Date | null
  /** Work finished on site. */
  handledAt: Date | null
  reportedBackAt: Date | null
  /** The last (passing) verification when the case was reopened. */
  verifiedAt: Date | null
  /** When the case left the workflow: closed, voided (作废) or rejected (不予立案). */
  closedAt: Date | null
  assignedDepartmentCode: string
  /** Failed verifications that sent the case back to the handler. */
  reopenCount: number
  description: string
}

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
const MONTEVIDEO_UTC_OFFSET_MINUTES = -180

/** Reports near a place are scattered over its block; addresses only need moving off the building. */
const HOTSPOT_JITTER_M = 30
const ADDRESS_JITTER_M = 10

const REJECT_SHARE: Readonly<Record<IncidentSource, number>> = {
  citizen: 0.045, grid_worker: 0.008, camera: 0.03, operator: 0.015, patrol: 0.008,
}
const VOID_SHARE = 0.015
const REOPEN_SHARE = 0.045
const DAILY_NOISE_SIGMA = 0.15
/** Reporting grows over the year as the public app spreads: the first hour weighs this much, the last 2 - it. */
const TREND_START = 0.92

/**
 * Departments that work office hours take non-urgent work only when open; [open, close) local hours.
 * Police, traffic police and fire run around the clock.
 */
const WORKING_HOURS: Readonly<Record<string, readonly [number, number]>> = {
  MUNICIPAL: [8, 18], LANDSCAPE: [8, 18], SUBDISTRICT: [8, 18], TRANSPORT: [8, 18], TELECOM: [8, 18],
  WATER: [7, 19], POWER: [7, 19], SANITATION: [6, 22], URBAN_ENFORCEMENT: [8, 22],
}
/** Supervisors verify non-urgent cases on their daytime rounds. */
const VERIFY_HOURS: readonly [number, number] = [7, 21]
/** A step whose limit is shorter than a night is staffed around the clock; longer ones wait for opening. */
const OFFICE_HOURS_FROM_LIMIT_MINUTES = 12 * 60

interface CategoryModel {
  category: Category
  descriptions: readonly string[]
  /** Draws an index into INCIDENT_SOURCES; one sampler per local hour, weekdays then weekends. */
  sources: ((rng: Rng) => number)[]
}

function buildCategoryModels(): CategoryModel[] {
  return CATEGORY_CATALOGUE.map((category) => {
    const profile = INCIDENT_PROFILES[category.code]
    if (!profile) throw new Error(`no incident profile for category ${category.code}`)
    const sources: ((rng: Rng) => number)[] = []
    for (const weekend of [false, true]) {
      for (let hour = 0; hour < 24; hour++) {
        // Grid workers screen their grids on weekday office hours, with a thin weekend rota.
        const gridWorkerOnDuty = hour >= 8 && hour < 18 ? (weekend ? 0.2 : 1) : 0
        const weights = profile.sources.map((w, i) => (INCIDENT_SOURCES[i] === 'grid_worker' ? w * gridWorkerOnDuty : w))
        sources.push(weightedSampler(weights))
      }
    }
    return { category, descriptions: profile.descriptions, sources }
  })
}

/** Category sampler per (place kind, local hour, month). */
function buildCategoryTables(): ((rng: Rng) => number)[] {
  const tables: ((rng: Rng) => number)[] = []
  for (let k = 0; k < PLACE_KINDS.length; k++) {
    for (let hour = 0; hour < 24; hour++) {
      for (let month = 0; month < 12; month++) {
        const weights = CATEGORY_CATALOGUE.map(({ code }) => {
          const p = INCIDENT_PROFILES[code]
          return p.places[k] * HOUR_SHAPES[p.hours][hour] * seasonFactor(p.season, month)
        })
        tables.push(weightedSampler(weights))
      }
    }
  }
  return tables
}

const categoryTableIndex = (kind: number, hour: number, month: number): number => (kind * 24 + hour) * 12 + month

interface PlaceSampler {
  lon: Float64Array
  lat: Float64Array
  pick: (rng: Rng) => number
}

function placeSampler(places: readonly HotspotPlace[], rng: Rng): PlaceSampler | null {
  if (places.length === 0) return null
  // Log-normal pull on top of the given weight: a few places of each kind become the notorious ones.
  const weights = places.map((p) => p.weight * Math.exp(0.8 * normal(rng)))
  return {
    lon: Float64Array.from(places, (p) => p.lon),
    lat: Float64Array.from(places, (p) => p.lat),
    pick: weightedSampler(weights),
  }
}

/** Per-department speed: the median share of a step's limit it uses. Some departments are simply slower. */
function departmentPace(seed: number | string): (code: string) => number {
  const paces = new Map<string, number>()
  return (code) => {
    let pace = paces.get(code)
    if (pace === undefined) {
      pace = 0.22 + 0.3 * createRng(seed, `pace:${code}`)()
      paces.set(code, pace)
    }
    return pace
  }
}

/** The first instant at or after `ms` inside local [open, close) hours. */
function withinHours(ms: number, [open, close]: readonly [number, number], utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * MINUTE_MS
  const local = ms + offset
  const hour = Math.floor(local / HOUR_MS) % 24
  if (hour >= open && hour < close) return ms
  const dayStart = local - (((local % DAY_MS) + DAY_MS) % DAY_MS)
  return dayStart + (hour >= close ? DAY_MS : 0) + open * HOUR_MS - offset
}

/** Stream of historic incidents, oldest first. */
export function* generateIncidentHistory(
  places: IncidentPlaces,
  options: IncidentHistoryOptions,
): Generator<HistoricIncident, void, undefined> {
  const { count, seed, days } = options
  const offsetMinutes = options.utcOffsetMinutes ?? MONTEVIDEO_UTC_OFFSET_MINUTES
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`)
  if (!(days > 0)) throw new RangeError(`days must be positive, got ${days}`)
  if (places.addresses.length < 2) throw new RangeError('at least one address point is needed')

  const rng = createRng(seed, 'incident-history')
  const endMs = options.end.getTime()
  const startMs = endMs - days * DAY_MS
  const models = buildCategoryModels()
  const categoryTables = buildCategoryTables()
  const pace = departmentPace(seed)
  const hotspotSamplers = PLACE_KINDS.map((kind) =>
    kind === 'residential' ? null : placeSampler(places.hotspots[kind], createRng(seed, `pull:${kind}`)),
  )
  const addressCount = places.addresses.length >> 1

  // Slots are whole local hours; the partial first and last slots are weighted by their overlap.
  const offsetMs = offsetMinutes * MINUTE_MS
  const firstSlot = Math.floor((startMs + offsetMs) / HOUR_MS) * HOUR_MS - offsetMs
  const slots = Math.ceil((endMs - firstSlot) / HOUR_MS)
  const kindRates = new Float64Array(slots * PLACE_KINDS.length)
  const dayNoise = new Map<number, number>()
  const noiseRng = createRng(seed, 'daily-noise')
  let total = 0
  const scratch = new Float64Array(PLACE_KINDS.length)
  for (let s = 0; s < slots; s++) {
    const from = Math.max(startMs, firstSlot + s * HOUR_MS)
    const to = Math.min(endMs, firstSlot + (s + 1) * HOUR_MS)
    const { day } = localTime(from, offsetMinutes)
    let noise = dayNoise.get(day)
    if (noise === undefined) dayNoise.set(day, (noise = Math.exp(DAILY_NOISE_SIGMA * normal(noiseRng))))
    const trend = TREND_START + 2 * (1 - TREND_START) * ((from - startMs) / (endMs - startMs))
    const factor = ((to - from) / HOUR_MS) * noise * trend
    placeKindRates(firstSlot + s * HOUR_MS, offsetMinutes, scratch)
    for (let k = 0; k < PLACE_KINDS.length; k++) {
      // A place kind the city has no places for contributes nothing rather than piling onto the background.
      const rate = k === 0 || hotspotSamplers[k] ? scratch[k] * factor : 0
      kindRates[s * PLACE_KINDS.length + k] = rate
      total += rate
    }
  }

  const scale = metresPerDegree(places.addresses[1])
  const degLat = 1 / scale.lat
  const degLon = 1 / scale.lon
  let offsets = new Float64Array(256)
  let cumulative = 0
  let emitted = 0
  let serial = 0

  for (let s = 0; s < slots; s++) {
    let slotRate = 0
    for (let k = 0; k < PLACE_KINDS.length; k++) slotRate += kindRates[s * PLACE_KINDS.length + k]
    // Rounding the running total keeps the grand total exact without a second pass.
    cumulative += slotRate
    const n = Math.min(count, Math.round((cumulative / total) * count)) - emitted
    if (n <= 0) continue
    emitted += n

    const from = Math.max(startMs, firstSlot + s * HOUR_MS)
    const span = Math.min(endMs, firstSlot + (s + 1) * HOUR_MS) - from
    if (offsets.length < n) offsets = new Float64Array(n * 2)
    const times = offsets.subarray(0, n)
    for (let i = 0; i < n; i++) times[i] = Math.floor(rng() * span)
    times.sort()

    const local = localTime(from, offsetMinutes)
    const weekend = local.dow === 0 || local.dow === 6

    for (let i = 0; i < n; i++) {
      const reportedMs = from + times[i]
      let x = rng() * slotRate
      let kind = 0
      while (kind < PLACE_KINDS.length - 1 && x >= kindRates[s * PLACE_KINDS.length + kind]) {
        x -= kindRates[s * PLACE_KINDS.length + kind]
        kind++
      }
      let lon: number
      let lat: number
      const hotspot = hotspotSamplers[kind]
      if (hotspot) {
        const p = hotspot.pick(rng)
        lon = hotspot.lon[p] + normal(rng) * HOTSPOT_JITTER_M * degLon
        lat = hotspot.lat[p] + normal(rng) * HOTSPOT_JITTER_M * degLat
      } else {
        const a = Math.floor(rng() * addressCount) * 2
        lon = places.addresses[a] + normal(rng) * ADDRESS_JITTER_M * degLon
        lat = places.addresses[a + 1] + normal(rng) * ADDRESS_JITTER_M * degLat
      }

      const model = models[categoryTables[categoryTableIndex(kind, local.hour, local.month)](rng)]
      const source = INCIDENT_SOURCES[model.sources[(weekend ? 24 : 0) + local.hour](rng)]
      serial++
      yield lifecycle({
        rng, model, source, reportedMs, endMs, offsetMinutes, pace,
        sourceId: `hist-${String(serial).padStart(7, '0')}`,
        lon: Math.round(lon * 1e7) / 1e7,
        lat: Math.round(lat * 1e7) / 1e7,
      })
    }
  }
}

interface LifecycleInput {
  rng: Rng
  model: CategoryModel
  source: IncidentSource
  reportedMs: number
  endMs: number
  offsetMinutes: number
  pace: (department: string) => number
  sourceId: string
  lon: number
  lat: number
}

/**
 * Walks one case through the loop. Each step takes a log-normal share of its limit around the department's
 * pace, so most steps finish well inside the limit and a tail runs late; non-urgent work with a limit longer
 * than a night waits for office hours. Whatever would happen after `end` is cut off, leaving the case open at
 * the step it had reached.
 */
function lifecycle(input: LifecycleInput): HistoricIncident {
  const { rng, model, source, reportedMs, endMs, offsetMinutes } = input
  const { category } = model
  const limits = category.limitsMinutes
  const department = category.departmentCode
  const pace = input.pace(department)
  const canWait = category.priority > 2
  const officeHours = canWait && limits.handle >= OFFICE_HOURS_FROM_LIMIT_MINUTES ? WORKING_HOURS[department] : undefined
  const verifyHours = canWait && limits.verify >= OFFICE_HOURS_FROM_LIMIT_MINUTES ? VERIFY_HOURS : undefined

  // The centre files around the clock and its pace does not depend on the department.
  let filed: number | null = reportedMs + stepMs(rng, limits.file, 0.3)
  let dispatched: number | null = null
  let handled: number | null = null
  let reportedBack: number | null = null
  let verified: number | null = null
  let closed: number | null = null
  let state: HistoricIncidentState = 'closed'
  let reopenCount = 0

  const fate = rng()
  const rejectShare = REJECT_SHARE[source]
  if (fate < rejectShare) {
    state = 'rejected'
    closed = filed
    filed = null
  } else if (fate < rejectShare + VOID_SHARE) {
    // Voided after filing: a duplicate spotted later, or a department's return approved.
    state = 'voided'
    closed = filed + stepMs(rng, limits.dispatch, 1.5)
  } else {
    dispatched = filed + stepMs(rng, limits.dispatch, 0.4)
    const failures = rng() < REOPEN_SHARE * (pace / 0.37) ? (rng() < 0.15 ? 2 : 1) : 0
    let from = dispatched
    for (let attempt = 0; ; attempt++) {
      const work = stepMs(rng, limits.handle, pace)
      const start = officeHours ? withinHours(from, officeHours, offsetMinutes) : from
      handled = start + Math.round(work * 0.85)
      reportedBack = handled + Math.min(stepMs(rng, 60, 0.25), Math.round(work * 0.15) + MINUTE_MS)
      verified = (verifyHours ? withinHours(reportedBack, verifyHours, offsetMinutes) : reportedBack) + stepMs(rng, limits.verify, pace)
      if (attempt === failures) break
      reopenCount++
      from = verified
    }
    closed = verified + Math.round(rng() * 10 * MINUTE_MS)
  }

  // Cut at `end`: the case is still running, at the last step it completed.
  if (closed !== null && closed >= endMs) {
    closed = null
    state = 'reported'
    if (filed !== null && filed < endMs) state = 'filed'
    else filed = null
    if (dispatched !== null && dispatched < endMs) state = 'dispatched'
    else dispatched = null
    if (handled !== null && handled < endMs) state = 'handled'
    else handled = null
    if (reportedBack !== null && reportedBack < endMs) state = 'reported_back'
    else reportedBack = null
    if (verified !== null && verified < endMs) state = 'verified'
    else verified = null
  }

  return {
    sourceId: input.sourceId,
    categoryCode: category.code,
    source,
    lon: input.lon,
    lat: input.lat,
    priority: category.priority,
    state,
    reportedAt: new Date(reportedMs),
    filedAt: toDate(filed),
    dispatchedAt: toDate(dispatched),
    handledAt: toDate(handled),
    reportedBackAt: toDate(reportedBack),
    verifiedAt: toDate(verified),
    closedAt: toDate(closed),
    assignedDepartmentCode: department,
    reopenCount,
    description: model.descriptions[Math.floor(rng() * model.descriptions.length)],
  }
}

/** A log-normal share of a step's limit around `medianShare`, whole seconds, at least a minute. */
function stepMs(rng: Rng, limitMinutes: number, medianShare: number): number {
  const ms = limitMinutes * MINUTE_MS * medianShare * Math.exp(0.55 * normal(rng))
  return Math.max(MINUTE_MS, Math.round(ms / 1000) * 1000)
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms)
}

/**
 * Address points and hotspot places of a loaded city. Markets weigh by how many people they draw; stations,
 * bars and schools equally.
 */
export function incidentPlacesFromCity(city: Pick<CityLayers, 'addresses' | 'pois'>): IncidentPlaces {
  const addresses = new Float64Array(city.addresses.features.length * 2)
  city.addresses.features.forEach((f, i) => {
    addresses[2 * i] = f.geometry.coordinates[0]
    addresses[2 * i + 1] = f.geometry.coordinates[1]
  })
  const hotspots: Record<HotspotKind, HotspotPlace[]> = { market: [], station: [], nightlife: [], school: [] }
  for (const { geometry, properties } of city.pois.features) {
    const at = { lon: geometry.coordinates[0], lat: geometry.coordinates[1] }
    if (properties.kind === 'market') hotspots.market.push({ ...at, weight: MARKET_PULL[properties.subtype] ?? 1 })
    else if (properties.kind === 'transit_station') hotspots.station.push({ ...at, weight: 1 })
    else if (properties.kind === 'nightlife') hotspots.nightlife.push({ ...at, weight: 1 })
    else if (properties.kind === 'school' || properties.kind === 'university') hotspots.school.push({ ...at, weight: 1 })
  }
  return { addresses, hotspots }
}

const MARKET_PULL: Readonly<Record<string, number>> = { marketplace: 4, mall: 3, supermarket: 1 }

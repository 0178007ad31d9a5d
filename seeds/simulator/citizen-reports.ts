import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { createRng, normal, weightedSampler, type Rng } from '../../geo/random.ts'
import { HOUR_SHAPES, INCIDENT_PROFILES, INCIDENT_SOURCES, PLACE_KINDS, seasonFactor } from '../demo/incident-profiles.ts'
import { localTime, placeKindRates } from '../demo/incident-rhythm.ts'
import type { CitizenReport } from './protocols.ts'

/**
 * Live citizen reports that look like the history: the same place-kind rhythm over the day and week
 * (incident-rhythm), the same category mix per place kind, hour and season (incident-profiles), restricted to
 * what citizens report (the profiles' source weights, with grid workers on their office hours as in the
 * history), placed where past cases of the category happened. A non-homogeneous Poisson process, sampled by
 * thinning against each local day's busiest hour. Pure and deterministic for a seed.
 */

export interface ReportPlaces {
  /** Past case positions per category code, interleaved lon, lat. */
  byCategory: ReadonlyMap<string, Float64Array>
  /** All of them, for a category with no past cases. */
  all: Float64Array
}

export interface CitizenReportOptions {
  seed: string
  startMs: number
  utcOffsetMinutes: number
  /** Average reports per day (the rhythm moves it hour by hour). */
  reportsPerDay: number
  /** Category codes to report in (those with an incident profile are used). */
  categories: readonly string[]
  places: ReportPlaces
  /** Street name near a point, for the optional address. */
  streetNear?: (lon: number, lat: number) => string | null
}

export interface TimedReport {
  atMs: number
  report: CitizenReport
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** Reports are placed this far around a past case: the same corner, not the same spot. */
const JITTER_M = 25
const ADDRESS_SHARE = 0.6
const CITIZEN = INCIDENT_SOURCES.indexOf('citizen')
const GRID_WORKER = INCIDENT_SOURCES.indexOf('grid_worker')


export class CitizenReportGenerator {
  private readonly rng: Rng
  private readonly codes: string[]
  private readonly samplers = new Map<number, ((rng: Rng) => number) | null>()
  private readonly perHour: number
  private readonly scratch = new Float64Array(PLACE_KINDS.length)
  private readonly degLon: number
  private readonly degLat: number
  private t: number
  private boundDay = NaN
  private bound = 0
  private next: TimedReport | null = null

  constructor(private readonly options: CitizenReportOptions) {
    this.rng = createRng(options.seed, 'citizen-reports')
    this.codes = options.categories.filter((c) => INCIDENT_PROFILES[c])
    this.perHour = Math.max(0, options.reportsPerDay) / 24
    this.t = options.startMs
    const lat = options.places.all.length >= 2 ? options.places.all[1] : 0
    const scale = metresPerDegree(lat)
    this.degLon = 1 / scale.lon
    this.degLat = 1 / scale.lat
  }

  /** Reports due at or before `tMs`, oldest first. */
  take(tMs: number): TimedReport[] {
    const out: TimedReport[] = []
    if (this.codes.length === 0 || this.perHour <= 0 || this.options.places.all.length < 2) return out
    for (;;) {
      this.next ??= this.draw()
      if (!this.next || this.next.atMs > tMs) return out
      out.push(this.next)
      this.next = null
    }
  }

  /** Reports per hour at an instant: the average scaled by the sum of the place kinds' rhythms. */
  rateAt(ms: number): number {
    const rates = placeKindRates(ms, this.options.utcOffsetMinutes, this.scratch)
    let sum = 0
    for (let k = 0; k < rates.length; k++) sum += rates[k]
    return this.perHour * sum
  }

  private draw(): TimedReport | null {
    const offset = this.options.utcOffsetMinutes * 60_000
    for (let guard = 0; guard < 1_000_000; guard++) {
      const day = Math.floor((this.t + offset) / DAY_MS)
      if (day !== this.boundDay) {
        this.boundDay = day
        this.bound = 0
        const dayStart = day * DAY_MS - offset
        for (let h = 0; h < 24; h++) this.bound = Math.max(this.bound, this.rateAt(dayStart + h * HOUR_MS))
      }
      const dayEnd = (day + 1) * DAY_MS - offset
      if (this.bound <= 0) {
        this.t = dayEnd
        continue
      }
      const step = (-Math.log(1 - this.rng()) / this.bound) * HOUR_MS
      if (this.t + step >= dayEnd) {
        // Memoryless: start again at midnight with that day's bound.
        this.t = dayEnd
        continue
      }
      this.t += step
      if (this.rng() * this.bound >= this.rateAt(this.t)) continue
      const report = this.compose(this.t)
      if (report) return { atMs: Math.round(this.t), report }
    }
    return null
  }

  private compose(ms: number): CitizenReport | null {
    const rng = this.rng
    const rates = placeKindRates(ms, this.options.utcOffsetMinutes, this.scratch)
    let total = 0
    for (let k = 0; k < rates.length; k++) total += rates[k]
    let x = rng() * total
    let kind = 0
    while (kind < rates.length - 1 && x >= rates[kind]) x -= rates[kind++]
    const local = localTime(ms, this.options.utcOffsetMinutes)
    const weekend = local.dow === 0 || local.dow === 6
    const pick = this.sampler(kind, local.hour, local.month, weekend)
    if (!pick) return null
    const code = this.codes[pick(rng)]
    const profile = INCIDENT_PROFILES[code]

    const { byCategory, all } = this.options.places
    const pool = byCategory.get(code)
    const points = pool && pool.length >= 2 ? pool : all
    const p = Math.floor(rng() * (points.length >> 1)) * 2
    const lon = points[p] + normal(rng) * JITTER_M * this.degLon
    const lat = points[p + 1] + normal(rng) * JITTER_M * this.degLat
    const description = profile.descriptions[Math.floor(rng() * profile.descriptions.length)]
    const address = rng() < ADDRESS_SHARE ? this.options.streetNear?.(lon, lat) ?? null : null
    return { serviceCode: code, lon, lat, description, address }
  }

  /** Category given place kind, hour, month and day type, conditioned on a citizen reporting it. */
  private sampler(kind: number, hour: number, month: number, weekend: boolean): ((rng: Rng) => number) | null {
    const key = ((kind * 24 + hour) * 12 + month) * 2 + (weekend ? 1 : 0)
    if (this.samplers.has(key)) return this.samplers.get(key)!
    // Grid workers screen their grids on weekday office hours, with a thin weekend rota (as in the history).
    const gridWorkerOnDuty = hour >= 8 && hour < 18 ? (weekend ? 0.2 : 1) : 0
    const weights = this.codes.map((code) => {
      const p = INCIDENT_PROFILES[code]
      const sources = p.sources.reduce((sum, w, i) => sum + (i === GRID_WORKER ? w * gridWorkerOnDuty : w), 0)
      const citizenShare = sources > 0 ? p.sources[CITIZEN] / sources : 0
      return p.places[kind] * HOUR_SHAPES[p.hours][hour] * seasonFactor(p.season, month) * citizenShare
    })
    const sampler = weights.some((w) => w > 0) ? weightedSampler(weights) : null
    this.samplers.set(key, sampler)
    return sampler
  }
}

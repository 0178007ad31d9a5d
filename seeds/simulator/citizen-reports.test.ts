import { describe, expect, it } from 'vitest'
import { INCIDENT_PROFILES } from '../demo/incident-profiles.ts'
import { CitizenReportGenerator, type ReportPlaces } from './citizen-reports.ts'

const DAY = 86_400_000
const start = Date.parse('2026-03-02T03:00:00Z') // Monday 00:00 local
const codes = Object.keys(INCIDENT_PROFILES)

// Past cases: PT-0107 (street lamps) far east, everything else in the west.
const byCategory = new Map<string, Float64Array>(
  codes.map((c, i) => [c, Float64Array.from(c === 'PT-0107' ? [-56.10, -34.88] : [-56.2 + 0.001 * i, -34.9])]),
)
const places: ReportPlaces = { byCategory, all: Float64Array.from([...byCategory.values()].flatMap((a) => [...a])) }

function generator(seed = 's', reportsPerDay = 200) {
  return new CitizenReportGenerator({
    seed, startMs: start, utcOffsetMinutes: -180, reportsPerDay, categories: codes, places,
    streetNear: () => 'Avenida 18 de Julio',
  })
}

describe('CitizenReportGenerator', () => {
  const reports = generator().take(start + 28 * DAY)

  it('reports at the average rate over weeks', () => {
    expect(reports.length).toBeGreaterThan(200 * 28 * 0.85)
    expect(reports.length).toBeLessThan(200 * 28 * 1.15)
    expect(reports.every((r, i) => i === 0 || r.atMs >= reports[i - 1].atMs)).toBe(true)
  })

  it('follows the daily rhythm of the history: busy mornings and evenings, quiet small hours', () => {
    const byHour = new Array(24).fill(0)
    for (const r of reports) byHour[new Date(r.atMs - 3 * 3_600_000).getUTCHours()]++
    const at = (h: number) => byHour[h]
    expect(at(11)).toBeGreaterThan(at(4) * 3)
    expect(at(19)).toBeGreaterThan(at(4) * 3)
  })

  it('writes like a citizen: catalogue codes, the profile’s own Chinese descriptions, near past cases', () => {
    const counts = new Map<string, number>()
    for (const { report } of reports) {
      const profile = INCIDENT_PROFILES[report.serviceCode]
      expect(profile).toBeDefined()
      expect(profile.descriptions).toContain(report.description)
      counts.set(report.serviceCode, (counts.get(report.serviceCode) ?? 0) + 1)
      const [lon, lat] = byCategory.get(report.serviceCode)!
      expect(Math.abs(report.lon - lon)).toBeLessThan(0.002)
      expect(Math.abs(report.lat - lat)).toBeLessThan(0.002)
      expect(report.address === null || report.address === 'Avenida 18 de Julio').toBe(true)
    }
    // Citizens call about rubbish and noise far more than about manhole covers a grid worker finds.
    expect(counts.get('EV-0201')!).toBeGreaterThan(counts.get('PT-0105') ?? 0)
    expect(counts.get('EV-0401')!).toBeGreaterThan(10)
    expect(reports.some((r) => r.report.address === null)).toBe(true)
  })

  it('is deterministic for a seed, however the time is sliced', () => {
    const g = generator()
    const sliced = []
    for (let t = start; t <= start + 28 * DAY; t += 3_600_000 * 7) sliced.push(...g.take(t))
    sliced.push(...g.take(start + 28 * DAY))
    expect(sliced).toEqual(reports)
    expect(generator('other').take(start + DAY)).not.toEqual(generator().take(start + DAY))
  })

  it('is quiet without categories, places or rate', () => {
    expect(new CitizenReportGenerator({ seed: 's', startMs: start, utcOffsetMinutes: -180, reportsPerDay: 100, categories: [], places }).take(start + DAY)).toEqual([])
    expect(generator('s', 0).take(start + DAY)).toEqual([])
  })
})

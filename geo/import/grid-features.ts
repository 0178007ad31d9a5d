import type { MultiPolygon, Polygon } from 'geojson'
import { z } from 'zod'
import { ADMIN_LEVELS, type AdminLevel } from '../grids/admin-area.ts'
import { CODE_LENGTHS, levelOfCode, parentOfCode } from '../grids/grid-codes.ts'
import { geometryProblem, type SourceFeature } from './geojson-source.ts'
import { issue, type ImportIssue } from './import-report.ts'
import { duplicateIssues, fieldIssues, numberField, presentFields, textField } from './source-records.ts'

const LENGTHS = Object.entries(CODE_LENGTHS)
  .map(([level, n]) => `${n} (${level})`)
  .join(', ')

const headcount = numberField((n) => n.int('must be a whole number').min(0, 'must not be negative')).optional()

export const gridPropertiesSchema = z
  .object({
    code: textField.pipe(
      z
        .string()
        .regex(/^\d+$/, { message: 'must be digits only', abort: true })
        .refine((c) => levelOfCode(c) !== null, `must have ${LENGTHS} digits`),
    ),
    name: textField,
    name_en: textField.optional(),
    level: z.enum(ADMIN_LEVELS, { error: `must be one of ${ADMIN_LEVELS.join(', ')}` }).optional(),
    org_name: textField.optional(),
    org_name_en: textField.optional(),
    households: headcount,
    population: headcount,
    area_km2: numberField((n) => n.positive('must be positive')).optional(),
  })
  .superRefine((p, ctx) => {
    const level = levelOfCode(p.code)
    if (p.level && level && p.level !== level) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: `is ${p.level}, but a ${p.code.length}-digit code is a ${level}` })
    }
  })

/**
 * One area to write. `feature` is null for a parent the file does not have; `geometry` is null when the area
 * is the union of its children (a parent the file lacks, or one it names without drawing).
 */
export interface PlannedArea {
  feature: number | null
  code: string
  level: AdminLevel
  parentCode: string | null
  name: string
  nameEn: string
  orgName: string | null
  orgNameEn: string | null
  households: number | null
  population: number | null
  areaKm2: number | null
  geometry: Polygon | MultiPolygon | null
}

/**
 * Everything about a grids file that needs no database: properties, geometry shape and ranges, duplicate
 * codes, and the hierarchy. Returns the areas parents first, missing parents added as unions of their
 * children. A level is derived only when the file gives none of it: if it gives some streets, a grid whose
 * street is missing has a wrong code or the file is incomplete, and a made-up street would hide that.
 */
export function checkGridFeatures(features: readonly SourceFeature[]): { areas: PlannedArea[]; issues: ImportIssue[] } {
  const issues: ImportIssue[] = []
  const inFile = new Set<string>()
  const parsed: PlannedArea[] = []
  for (const f of features) {
    const fields = presentFields(f.properties)
    const p = gridPropertiesSchema.safeParse(fields)
    const code = p.success ? p.data.code : typeof fields.code === 'string' ? fields.code : undefined
    const place = { feature: f.index, code }
    if (code) inFile.add(code)
    if (!p.success) {
      issues.push(...fieldIssues(p.error, place))
      continue
    }
    const level = levelOfCode(p.data.code)!
    const problem = f.geometry === null && level !== 'grid' ? null : geometryProblem(f.geometry, ['Polygon', 'MultiPolygon'])
    if (problem) {
      issues.push(issue('error', problem, { ...place, field: 'geometry' }))
      continue
    }
    parsed.push({
      feature: f.index,
      code: p.data.code,
      level,
      parentCode: parentOfCode(p.data.code),
      name: p.data.name,
      nameEn: p.data.name_en ?? p.data.name,
      orgName: p.data.org_name ?? null,
      orgNameEn: p.data.org_name_en ?? null,
      households: p.data.households ?? null,
      population: p.data.population ?? null,
      areaKm2: p.data.area_km2 ?? null,
      geometry: f.geometry as Polygon | MultiPolygon | null,
    })
  }

  const duplicates = duplicateIssues(parsed, (a) => a.code, (a) => ({ feature: a.feature! }), 'code')
  issues.push(...duplicates)
  const repeated = new Set(duplicates.map((d) => d.feature))
  const given = parsed.filter((a) => !repeated.has(a.feature!))
  if (!given.some((a) => a.level === 'grid')) {
    issues.push(issue('error', `no unit grids: a grids file needs areas with ${CODE_LENGTHS.grid}-digit codes`))
  }

  const levelsGiven = new Set(given.map((a) => a.level))
  const derived = new Map<string, PlannedArea>()
  for (const a of given) {
    for (let code = a.parentCode; code && !inFile.has(code) && !derived.has(code); code = parentOfCode(code)) {
      const level = levelOfCode(code)!
      if (levelsGiven.has(level)) {
        const message = `its ${level} ${code} is not in the file, which has other ${level} areas`
        issues.push(issue('error', message, { feature: a.feature!, code: a.code, field: 'code' }))
        break
      }
      derived.set(code, {
        feature: null, code, level, parentCode: parentOfCode(code), name: code, nameEn: code, orgName: null, orgNameEn: null,
        households: null, population: null, areaKm2: null, geometry: null,
      })
    }
  }
  const areas = [...given, ...derived.values()].sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code))
  const parents = new Set(areas.map((a) => a.parentCode))
  for (const a of given) {
    if (a.geometry === null && !parents.has(a.code)) {
      const place = { feature: a.feature!, code: a.code, field: 'geometry' }
      issues.push(issue('error', 'no geometry, and no usable areas under it to draw it from', place))
    }
  }
  sumCountsUpwards(areas)
  return { areas, issues }
}

/** A parent without its own households or population gets its children's total, when all of them know it. */
function sumCountsUpwards(areas: PlannedArea[]): void {
  const children = new Map<string, PlannedArea[]>()
  for (const a of areas) {
    if (!a.parentCode) continue
    const siblings = children.get(a.parentCode)
    if (siblings) siblings.push(a)
    else children.set(a.parentCode, [a])
  }
  for (const a of [...areas].reverse()) {
    const kids = children.get(a.code) ?? []
    if (kids.length === 0) continue
    for (const key of ['households', 'population'] as const) {
      if (a[key] === null && kids.every((k) => k[key] !== null)) a[key] = kids.reduce((s, k) => s + k[key]!, 0)
    }
  }
}

import type { Geometry } from 'geojson'
import { issue, type ImportIssue } from './import-report.ts'

/** A feature as found in the file, before anything about its kind is checked. */
export interface SourceFeature {
  index: number
  geometry: unknown
  properties: Record<string, unknown>
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Features with their index; whatever is not a FeatureCollection of Features becomes an error. */
export function parseFeatureCollection(text: string): { features: SourceFeature[]; issues: ImportIssue[] } {
  let doc: unknown
  try {
    doc = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text)
  } catch (err) {
    return { features: [], issues: [issue('error', `not valid JSON: ${jsonErrorWhere(text, (err as Error).message)}`)] }
  }
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    return { features: [], issues: [issue('error', 'expected a GeoJSON FeatureCollection')] }
  }
  const crs = isObject(doc.crs) && isObject(doc.crs.properties) ? String(doc.crs.properties.name ?? '') : ''
  if (crs && !/CRS84|4326/i.test(crs)) {
    const message = `coordinates are in ${crs}; export the file as WGS84 longitude/latitude (EPSG:4326)`
    return { features: [], issues: [issue('error', message)] }
  }
  const features: SourceFeature[] = []
  const issues: ImportIssue[] = []
  doc.features.forEach((f: unknown, index: number) => {
    if (!isObject(f) || f.type !== 'Feature') issues.push(issue('error', 'not a GeoJSON Feature', { feature: index }))
    else if (f.properties !== null && f.properties !== undefined && !isObject(f.properties)) {
      issues.push(issue('error', 'properties must be an object', { feature: index }))
    } else features.push({ index, geometry: f.geometry ?? null, properties: (f.properties as Record<string, unknown>) ?? {} })
  })
  return { features, issues }
}

/** V8 says "at position N"; an editor wants a line and a column. */
function jsonErrorWhere(text: string, message: string): string {
  const at = /at position (\d+)/.exec(message)
  if (!at) return message
  const before = text.slice(0, Number(at[1]))
  const line = before.split('\n').length
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${before.length - before.lastIndexOf('\n')}`
}

export type GeometryType = Extract<Geometry['type'], 'Point' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon'>

/** What is wrong with a geometry for this use, or null: type, nesting, ring closure, WGS84 ranges. */
export function geometryProblem(geometry: unknown, allowed: readonly GeometryType[]): string | null {
  if (!isObject(geometry)) return 'no geometry'
  const type = geometry.type as GeometryType
  if (!allowed.includes(type)) return `geometry is ${String(geometry.type)}, expected ${allowed.join(' or ')}`
  const c = geometry.coordinates
  switch (type) {
    case 'Point':
      return positionProblem(c)
    case 'LineString':
      return lineProblem(c)
    case 'MultiLineString':
      return partsProblem(c, 'line', lineProblem)
    case 'Polygon':
      return polygonProblem(c)
    case 'MultiPolygon':
      return partsProblem(c, 'polygon', polygonProblem)
  }
}

function positionProblem(p: unknown): string | null {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    return `${JSON.stringify(p)} is not a position [longitude, latitude]`
  }
  const [lon, lat] = p as number[]
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    return `position [${lon}, ${lat}] is outside longitude -180…180 / latitude -90…90 (coordinates must be WGS84)`
  }
  return null
}

function positionsProblem(ps: unknown, min: number, what: string): string | null {
  if (!Array.isArray(ps) || ps.length < min) return `${what} needs at least ${min} positions`
  for (const p of ps) {
    const problem = positionProblem(p)
    if (problem) return problem
  }
  return null
}

const lineProblem = (c: unknown) => positionsProblem(c, 2, 'a line')

function ringProblem(ring: unknown): string | null {
  const problem = positionsProblem(ring, 4, 'a ring')
  if (problem) return problem
  const ps = ring as number[][]
  const [first, last] = [ps[0], ps[ps.length - 1]]
  return first[0] === last[0] && first[1] === last[1] ? null : 'a ring is not closed (its last position must repeat the first)'
}

const polygonProblem = (c: unknown) => partsProblem(c, 'ring', ringProblem)

function partsProblem(parts: unknown, what: string, check: (part: unknown) => string | null): string | null {
  if (!Array.isArray(parts) || parts.length === 0) return `expected a list of at least one ${what}`
  for (const [i, part] of parts.entries()) {
    const problem = check(part)
    if (problem) return parts.length > 1 ? `${what} ${i}: ${problem}` : problem
  }
  return null
}

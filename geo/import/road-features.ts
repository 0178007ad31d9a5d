import type { LineString, MultiLineString } from 'geojson'
import { z } from 'zod'
import type { RoadFeature } from '../road-graph/build-road-graph.ts'
import { isDrivable } from '../road-graph/road-classes.ts'
import { geometryProblem, type SourceFeature } from './geojson-source.ts'
import { issue, type ImportIssue } from './import-report.ts'
import { fieldIssues, presentFields } from './source-records.ts'

// Exporters write OSM tags as text, but some turn `oneway=yes` into true and `maxspeed=50` into 50.
const tag = z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string()).optional()

/** osmtogeojson writes `@id: "way/123"`, Overpass tools a bare number. */
const osmId = z.preprocess((v) => {
  const digits = typeof v === 'string' ? /(\d+)$/.exec(v)?.[1] : undefined
  return digits ? Number(digits) : v
}, z.int().nonnegative({ error: 'must be an OSM way id' }).optional())

const roadTagsSchema = z.object({ '@id': osmId, highway: z.string(), name: tag, oneway: tag, maxspeed: tag, junction: tag })

/**
 * Keeps the drivable ways with sound geometry for buildRoadGraph. Footways and other non-drivable ways are
 * counted by highway value, not reported one by one: an OSM extract has thousands of them by design.
 */
export function checkRoadFeatures(features: readonly SourceFeature[]): {
  roads: RoadFeature[]
  skipped: Map<string, number>
  issues: ImportIssue[]
} {
  const roads: RoadFeature[] = []
  const skipped = new Map<string, number>()
  const issues: ImportIssue[] = []
  for (const f of features) {
    const fields = presentFields(f.properties)
    const highway = typeof fields.highway === 'string' ? fields.highway : undefined
    if (!isDrivable(highway)) {
      const key = highway ?? '(none)'
      skipped.set(key, (skipped.get(key) ?? 0) + 1)
      continue
    }
    const place = { feature: f.index }
    const problem =
      geometryProblem(f.geometry, ['LineString', 'MultiLineString']) ?? lengthProblem(f.geometry as LineString | MultiLineString)
    if (problem) {
      issues.push(issue('error', problem, { ...place, field: 'geometry' }))
      continue
    }
    const tags = roadTagsSchema.safeParse(fields)
    if (!tags.success) {
      issues.push(...fieldIssues(tags.error, place))
      continue
    }
    roads.push({ type: 'Feature', geometry: f.geometry as LineString | MultiLineString, properties: tags.data })
  }
  return { roads, skipped, issues }
}

function lengthProblem(g: LineString | MultiLineString): string | null {
  const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates
  const flat = lines.some((line) => line.every(([lon, lat]) => lon === line[0][0] && lat === line[0][1]))
  return flat ? 'a line has no length (all its positions are the same)' : null
}

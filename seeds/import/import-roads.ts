import type { Queryable } from '../../server/db/db.ts'
import { parseFeatureCollection } from '../../geo/import/geojson-source.ts'
import { issue } from '../../geo/import/import-report.ts'
import { checkRoadFeatures } from '../../geo/import/road-features.ts'
import { buildRoadGraph, roadGraphStats, type RoadGraph } from '../../geo/road-graph/build-road-graph.ts'
import { loadRoadGraph } from '../load/load-road-graph.ts'
import { unreadable, type CheckedFile } from './checked-file.ts'

/** A roads file replaces the routable graph; the graph is built here, so a dry run reports its real size. */
export function checkRoadsFile(text: string): CheckedFile {
  const source = parseFeatureCollection(text)
  if (source.features.length === 0) return unreadable(source.issues)
  const { roads, skipped, issues } = checkRoadFeatures(source.features)
  const graph = buildRoadGraph(roads)
  const stats = roadGraphStats(graph)
  if (graph.edges.length === 0) issues.push(issue('error', 'no drivable roads: dispatch would have nothing to route on'))
  const counts: Record<string, number> = { features: source.features.length, 'drivable ways': roads.length }
  for (const [highway, n] of [...skipped].sort((a, b) => b[1] - a[1])) counts[`skipped highway=${highway}`] = n
  counts.nodes = stats.nodes
  counts.edges = stats.edges
  counts.km = Math.round(stats.km * 10) / 10
  counts['one-way edges'] = stats.oneWayEdges
  return { counts, issues: [...source.issues, ...issues], write: (tx) => writeRoads(tx, graph) }
}

async function writeRoads(tx: Queryable, graph: RoadGraph): Promise<Record<string, number>> {
  const old = await tx.query('DELETE FROM road_edge')
  await tx.query('DELETE FROM road_node')
  await loadRoadGraph(tx, graph)
  return { 'edges replaced': old.affectedRows }
}

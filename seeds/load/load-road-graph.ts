import type { Queryable } from '../../server/db/db.ts'
import { bulkInsertAll } from '../../server/db/bulk-insert.ts'
import type { RoadGraph } from '../../geo/road-graph/build-road-graph.ts'

/** Writes the noded graph in pgRouting's shape, so pgr_dijkstraCost can check the in-memory router later. */
export async function loadRoadGraph(q: Queryable, graph: RoadGraph): Promise<void> {
  await bulkInsertAll(
    q,
    'road_node',
    [
      { name: 'id', type: 'int4' },
      { name: 'geom', type: 'text', expr: 'ST_GeomFromText(v, 4326)' },
    ],
    graph.nodes,
    (n) => [n.id, `POINT(${n.lon} ${n.lat})`],
  )
  await bulkInsertAll(
    q,
    'road_edge',
    [
      { name: 'id', type: 'int4' },
      { name: 'source', type: 'int4' },
      { name: 'target', type: 'int4' },
      { name: 'cost', type: 'float8' },
      { name: 'reverse_cost', type: 'float8' },
      { name: 'length_m', type: 'float8' },
      { name: 'road_class', type: 'text' },
      { name: 'speed_kmh', type: 'float4' },
      { name: 'osm_id', type: 'int8' },
      { name: 'name', type: 'text' },
      { name: 'geom', type: 'text', expr: 'ST_GeomFromText(v, 4326)' },
    ],
    graph.edges,
    (e) => [
      e.id, e.source, e.target, e.costS, e.reverseCostS, e.lengthM, e.roadClass, e.speedKmh, e.osmId, e.name,
      `LINESTRING(${e.geometry.map(([x, y]) => `${x} ${y}`).join(',')})`,
    ],
  )
}

import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import type { Queryable } from '../../server/db/db.ts'
import type { RoadEdgeRow, RoadNodeRow } from './road-network.ts'

/**
 * A small street lattice near Montevideo for the simulator's tests: `size` x `size` junctions 100 m apart,
 * residential streets, one primary avenue across the middle (row size/2), one secondary street one-way north
 * (column 2), and a motorway along the south edge (row 0) that people on foot may not use. Every edge has a
 * kink in the middle so that placing units along the geometry is exercised.
 */
export const LATTICE_ORIGIN = { lon: -56.19, lat: -34.9 }
export const LATTICE_STEP_M = 100

export const LATTICE_SPEEDS: Readonly<Record<string, number>> = { residential: 30, primary: 45, secondary: 40, motorway: 90 }

export function latticeNetwork(size = 8): { nodes: RoadNodeRow[]; edges: RoadEdgeRow[] } {
  const scale = metresPerDegree(LATTICE_ORIGIN.lat)
  const dLon = LATTICE_STEP_M / scale.lon
  const dLat = LATTICE_STEP_M / scale.lat
  const id = (r: number, c: number) => r * size + c
  const nodes: RoadNodeRow[] = []
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) nodes.push({ id: id(r, c), lon: LATTICE_ORIGIN.lon + c * dLon, lat: LATTICE_ORIGIN.lat + r * dLat })
  }
  const edges: RoadEdgeRow[] = []
  const add = (a: number, b: number, roadClass: string, oneway: boolean, name: string) => {
    const A = nodes[a]
    const B = nodes[b]
    // A kink of 3 m sideways halfway.
    const mx = (A.lon + B.lon) / 2 + ((B.lat - A.lat) / dLat) * (3 / scale.lon)
    const my = (A.lat + B.lat) / 2 - ((B.lon - A.lon) / dLon) * (3 / scale.lat)
    const coords: [number, number][] = [[A.lon, A.lat], [mx, my], [B.lon, B.lat]]
    let lengthM = 0
    for (let i = 1; i < coords.length; i++) {
      lengthM += Math.hypot((coords[i][0] - coords[i - 1][0]) * scale.lon, (coords[i][1] - coords[i - 1][1]) * scale.lat)
    }
    const speedKmh = LATTICE_SPEEDS[roadClass]
    const cost = lengthM / (speedKmh / 3.6)
    edges.push({ id: edges.length + 1, source: a, target: b, cost, reverseCost: oneway ? -1 : cost, lengthM, roadClass, speedKmh, name, coords })
  }
  const mid = Math.floor(size / 2)
  for (let r = 0; r < size; r++) {
    for (let c = 0; c + 1 < size; c++) {
      const cls = r === 0 ? 'motorway' : r === mid ? 'primary' : 'residential'
      add(id(r, c), id(r, c + 1), cls, false, cls === 'primary' ? 'Avenida Central' : `Calle ${r}`)
    }
  }
  for (let c = 0; c < size; c++) {
    for (let r = 0; r + 1 < size; r++) {
      const oneWay = c === 2
      add(id(r, c), id(r + 1, c), oneWay ? 'secondary' : 'residential', oneWay, oneWay ? 'Rambla Norte' : `Pasaje ${c}`)
    }
  }
  return { nodes, edges }
}

/**
 * Puts a lattice city into an empty database: roads, a station, units of several kinds (always on duty:
 * shift `all`) each with a tracker named like the unit, a camera, two categories and some citizen history.
 */
export async function insertLatticeCity(q: Queryable, size = 4, unitTypes: readonly string[] = ['patrol_police', 'grid_worker']): Promise<void> {
  const { nodes, edges } = latticeNetwork(size)
  for (const n of nodes) await q.query('INSERT INTO road_node (id, geom) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326))', [n.id, n.lon, n.lat])
  for (const e of edges) {
    await q.query(
      `INSERT INTO road_edge (id, source, target, cost, reverse_cost, length_m, road_class, speed_kmh, name, geom)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ST_GeomFromText($10, 4326))`,
      [e.id, e.source, e.target, e.cost, e.reverseCost, e.lengthM, e.roadClass, e.speedKmh, e.name,
        `LINESTRING(${e.coords.map(([x, y]) => `${x} ${y}`).join(',')})`],
    )
  }
  const [lon, lat] = [nodes[size + 1].lon, nodes[size + 1].lat]
  await q.query(`INSERT INTO station (id, name, geom) VALUES ('station-01', 'Seccional 1', ST_SetSRID(ST_MakePoint($1, $2), 4326))`, [lon, lat])
  for (const [i, type] of unitTypes.entries()) {
    const id = `unit-${String(i + 1).padStart(4, '0')}`
    await q.query(
      `INSERT INTO unit (id, callsign, type, station_id, shift, home) VALUES ($1, $2, $3, 'station-01', 'all', ST_SetSRID(ST_MakePoint($4, $5), 4326))`,
      [id, `callsign ${i + 1}`, type, lon, lat],
    )
    await q.query('INSERT INTO device (id, unit_id) VALUES ($1, $1)', [id])
  }
  await q.exec(`
    INSERT INTO camera (id, name, geom, heading_deg, fov_deg, range_m, placement, owner, frigate_name, status) VALUES
      ('cam-0001', '北入口', ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 0, 40, 150, 'entrance', 'public_security', 'gate_north', 'online');
    INSERT INTO category (code, kind, major_code, name, name_en, priority, limits_minutes) VALUES
      ('EV-0201', 'event', 'EV-02', '暴露垃圾', 'Exposed garbage', 3, '{}'),
      ('PT-0107', 'part', 'PT-01', '路灯', 'Street lamp', 3, '{}');
    INSERT INTO incident (source, category_code, priority, state, geom, reported_at)
      SELECT CASE WHEN i % 2 = 0 THEN 'citizen' ELSE 'grid_worker' END, CASE WHEN i % 3 = 0 THEN 'PT-0107' ELSE 'EV-0201' END,
             3, 'closed', ST_SetSRID(ST_MakePoint(${lon} + i * 1e-5, ${lat}), 4326), timestamptz '2026-05-01' + i * interval '1 hour'
      FROM generate_series(0, 240) AS i;
  `)
}

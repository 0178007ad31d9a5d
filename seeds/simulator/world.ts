import type { Queryable } from '../../server/db/db.ts'
import type { SimCamera } from './camera-alerts.ts'
import type { ReportPlaces } from './citizen-reports.ts'
import type { RoadEdgeRow, RoadNodeRow } from './road-network.ts'

/** Everything the simulator reads from the database, once, at start. */
export interface SimWorld {
  nodes: RoadNodeRow[]
  edges: RoadEdgeRow[]
  units: SimUnitRow[]
  /** Units in the database that have an active tracker (the simulator can only speak for those). */
  unitsWithDevice: number
  cameras: SimCamera[]
  categories: string[]
  places: ReportPlaces
  /** Citizen reports per day in the most recent history, or null without history. */
  historyCitizenReportsPerDay: number | null
}

export interface SimUnitRow {
  unitId: string
  deviceId: string
  type: string
  shift: string | null
  startLon: number
  startLat: number
  baseLon: number
  baseLat: number
}

/** Past cases of a category kept as places for live reports. */
const PLACES_PER_CATEGORY = 400
const HISTORY_WINDOW_DAYS = 60

export async function loadWorld(db: Queryable, maxUnits: number): Promise<SimWorld> {
  const nodes = await db.query<RoadNodeRow>('SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_node')
  const edges = await db.query<{
    id: number; source: number; target: number; cost: number; reverse_cost: number; length_m: number
    road_class: string; speed_kmh: number; name: string | null; geom: string
  }>(
    `SELECT id, source, target, cost, reverse_cost, length_m, road_class, speed_kmh, name, ST_AsGeoJSON(geom) AS geom
     FROM road_edge ORDER BY id`,
  )
  // Start where the unit was last seen, else at home; off duty it goes back to its station (or home).
  const units = await db.query<{
    id: string; device_id: string; type: string; shift: string | null
    start_lon: number; start_lat: number; base_lon: number; base_lat: number
  }>(
    `SELECT u.id, d.id AS device_id, u.type, u.shift,
            ST_X(coalesce(p.geom, u.home, s.geom)) AS start_lon, ST_Y(coalesce(p.geom, u.home, s.geom)) AS start_lat,
            ST_X(coalesce(s.geom, u.home, p.geom)) AS base_lon, ST_Y(coalesce(s.geom, u.home, p.geom)) AS base_lat
     FROM unit u
     JOIN LATERAL (SELECT id FROM device WHERE unit_id = u.id AND active ORDER BY id LIMIT 1) d ON true
     LEFT JOIN unit_position_latest p ON p.unit_id = u.id
     LEFT JOIN station s ON s.id = u.station_id
     WHERE coalesce(p.geom, u.home, s.geom) IS NOT NULL
     ORDER BY u.id
     LIMIT $1`,
    [maxUnits],
  )
  const withDevice = await db.query<{ n: number }>(
    'SELECT count(DISTINCT unit_id)::int AS n FROM device WHERE active',
  )
  const cameras = await db.query<{ id: string; frigate_name: string; placement: string }>(
    `SELECT id, frigate_name, placement FROM camera WHERE frigate_name IS NOT NULL AND status = 'online' ORDER BY id`,
  )
  const categories = await db.query<{ code: string }>('SELECT code FROM category WHERE active ORDER BY code')
  const recent = await db.query<{ category_code: string; lon: number; lat: number }>(
    `SELECT category_code, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incident
     WHERE category_code IS NOT NULL
       AND reported_at > (SELECT max(reported_at) FROM incident) - make_interval(days => $1)
     ORDER BY id`,
    [HISTORY_WINDOW_DAYS],
  )
  const rate = await db.query<{ citizen: number; span_s: number | null }>(
    `SELECT count(*) FILTER (WHERE source = 'citizen')::int AS citizen,
            extract(epoch FROM max(reported_at) - min(reported_at))::float8 AS span_s
     FROM incident
     WHERE reported_at > (SELECT max(reported_at) FROM incident) - make_interval(days => $1)`,
    [HISTORY_WINDOW_DAYS],
  )

  const byCategory = new Map<string, number[]>()
  const all: number[] = []
  for (const r of recent.rows) {
    let list = byCategory.get(r.category_code)
    if (!list) byCategory.set(r.category_code, (list = []))
    if (list.length < PLACES_PER_CATEGORY * 2) {
      list.push(r.lon, r.lat)
      all.push(r.lon, r.lat)
    }
  }
  const spanDays = (rate.rows[0]?.span_s ?? 0) / 86_400
  const citizen = rate.rows[0]?.citizen ?? 0

  return {
    nodes: nodes.rows.map((n) => ({ id: Number(n.id), lon: n.lon, lat: n.lat })),
    edges: edges.rows.map((e) => ({
      id: Number(e.id),
      source: Number(e.source),
      target: Number(e.target),
      cost: e.cost,
      reverseCost: e.reverse_cost,
      lengthM: e.length_m,
      roadClass: e.road_class,
      speedKmh: e.speed_kmh,
      name: e.name,
      coords: (JSON.parse(e.geom) as { coordinates: [number, number][] }).coordinates,
    })),
    units: units.rows.map((u) => ({
      unitId: u.id,
      deviceId: u.device_id,
      type: u.type,
      shift: u.shift,
      startLon: u.start_lon,
      startLat: u.start_lat,
      baseLon: u.base_lon,
      baseLat: u.base_lat,
    })),
    unitsWithDevice: withDevice.rows[0]?.n ?? 0,
    cameras: cameras.rows.map((c) => ({ id: c.id, frigateName: c.frigate_name, placement: c.placement })),
    categories: categories.rows.map((c) => c.code),
    places: {
      byCategory: new Map([...byCategory].map(([code, list]) => [code, Float64Array.from(list)])),
      all: Float64Array.from(all),
    },
    historyCitizenReportsPerDay: spanDays >= 1 ? citizen / spanDays : null,
  }
}

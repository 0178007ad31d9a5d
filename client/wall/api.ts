import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson'

/** The wall's reads over HTTP. An endpoint the server does not have yet answers 404: that is "unavailable", not an error. */

export class Unavailable extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${url}: HTTP ${status}`)
  }
}

/**
 * The routes the server has, from its own OpenAPI document: the wall asks only for those, so an endpoint that
 * has not landed yet shows as "not available" instead of a failed request in the console.
 */
export async function fetchRoutes(): Promise<Set<string> | null> {
  try {
    const doc = await fetchJson<{ paths?: Record<string, Record<string, unknown>> }>('/api/v1/openapi.json')
    return new Set(Object.entries(doc.paths ?? {}).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)))
  } catch (err) {
    // No document at all: nothing beyond the basics can be assumed. Unreachable: ask again later.
    return err instanceof Unavailable ? new Set() : null
  }
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init)
  // 403: this wall's token may not read it (a layer it holds no grant for); the same to the wall as no endpoint.
  if (res.status === 403 || res.status === 404 || res.status === 501) throw new Unavailable(url, res.status)
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return (await res.json()) as T
}

export interface AreaProperties {
  code: string
  name: string
  nameEn?: string | null
  level: 'street' | 'community' | 'grid'
  parentCode: string | null
  households?: number | null
  population?: number | null
  areaKm2?: number | null
}
export type Areas = FeatureCollection<Polygon | MultiPolygon, AreaProperties>

export interface UnitProperties {
  id: string
  callsign: string
  type: string
  status: string
  headingDeg: number | null
  speedMps: number | null
  deviceTime: string | null
  gridCode: string | null
  fixAgeS?: number | null
}
export type Units = FeatureCollection<Point | null, UnitProperties>

/** An incident as the API and the live layer carry it (only the fields the wall uses). */
export interface IncidentProperties {
  id: number
  categoryCode: string | null
  priority: number
  state: string
  reportedAt: string
  filedAt?: string | null
  dispatchedAt?: string | null
  deadlineAt: string | null
  gridCode: string | null
  assignedUnitId: string | null
  expectedArrivalAt?: string | null
  description?: string | null
  address?: string | null
}
export interface IncidentFeature {
  type: 'Feature'
  id?: number
  geometry: Point | null
  properties: IncidentProperties
}
interface IncidentPage {
  features: IncidentFeature[]
  next: string | null
}

export interface CameraProperties {
  id: string
  name: string
  nameEn?: string | null
  headingDeg: number
  fovDeg: number
  rangeM: number
  placement: string
  status: 'online' | 'offline' | 'maintenance' | string
  gridCode: string | null
}
export type Cameras = FeatureCollection<Point, CameraProperties>

/** Every page of an incident query, up to `max` incidents. */
export async function fetchIncidents(params: Record<string, string>, max = 20_000): Promise<IncidentFeature[]> {
  const out: IncidentFeature[] = []
  let cursor: string | null = null
  do {
    const q = new URLSearchParams({ ...params, limit: '1000', ...(cursor ? { cursor } : {}) })
    const page: IncidentPage = await fetchJson<IncidentPage>(`/api/v1/incidents?${q}`)
    out.push(...page.features)
    cursor = page.next
  } while (cursor && out.length < max)
  return out
}

/** A grid's closed cases in the evaluation window, and how many of them kept every step's limit. */
export interface GridScore {
  code: string
  closed: number
  closedOnTime: number
}

/** The published per-grid evaluation (综合评价) over [from, to). */
export async function fetchGridScores(from: Date, to: Date): Promise<GridScore[]> {
  const q = new URLSearchParams({ level: 'grid', from: from.toISOString(), to: to.toISOString() })
  const body = await fetchJson<{ rows: GridScore[] }>(`/api/v1/analytics/evaluation?${q}`)
  return body.rows.map(({ code, closed, closedOnTime }) => ({ code, closed, closedOnTime }))
}

/** `/readyz`: dependencies and the freshness of every ingest feed the server records. */
export interface Readiness {
  status: string
  checks: Record<string, { ok: boolean; detail?: unknown }>
  feeds: Array<{ feed: string; lastMessageAt: string | null; lastOkAt: string | null; lastRejectedAt: string | null; ok: number; rejected: number }>
}

export async function fetchReadiness(): Promise<Readiness> {
  // 503 still carries the body: a dependency is down, and the wall shows which.
  const res = await fetch('/readyz')
  return (await res.json()) as Readiness
}

/** Category names by code, from the case catalogue (retired ones too: old cases still carry their codes). */
export async function fetchCategoryNames(): Promise<Map<string, { zh: string; en: string }>> {
  const { categories } = await fetchJson<{ categories: Array<{ code: string; nameZh: string; nameEn: string | null }> }>('/api/v1/categories?inactive=true')
  return new Map(categories.map((c) => [c.code, { zh: c.nameZh, en: c.nameEn || c.nameZh }]))
}

/** How a camera can be watched: a stream the browser plays, or its latest snapshot (from /api/v1/camera-streams). */
export interface CameraView {
  cameraId: string
  kind: 'hls' | 'whep' | 'snapshot'
  url: string
}

export async function fetchCameraViews(): Promise<Map<string, CameraView>> {
  const { streams } = await fetchJson<{ streams: CameraView[] }>('/api/v1/camera-streams')
  return new Map(streams.map((s) => [s.cameraId, s]))
}

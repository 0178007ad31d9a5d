import { FINAL_CASE_STATES } from '../../geo/cases/case-states.ts'
import type { CaseSummary } from '../../geo/cases/case-record.ts'
import type { IncidentFeature } from './api.ts'

/**
 * Incidents as the wall counts them: open cases (not closed, voided or rejected) and everything reported in the
 * last hour, from the HTTP snapshot, the live `incidents` events (features) and the `cases` layer's
 * `{kind: 'case', case}` events (a case summary after every step). Positions go to deck.gl as typed
 * arrays rebuilt when the set changes (incidents arrive a few a minute, not ten times a second).
 */

export interface WallIncident {
  id: number
  lon: number
  lat: number
  priority: number
  state: string
  categoryCode: string | null
  reportedAtMs: number
  filedAtMs: number | null
  dispatchedAtMs: number | null
  deadlineAtMs: number | null
  gridCode: string | null
  assignedUnitId: string | null
  /** When the assigned unit should arrive, by the road travel time the router gave at assignment. */
  expectedArrivalAtMs: number | null
  description: string | null
  address: string | null
  /** Client time it first appeared live (not from a snapshot): it pulses for a while. */
  arrivedAt: number | null
}

const CLOSED: ReadonlySet<string> = new Set(FINAL_CASE_STATES)
const HOUR_MS = 3_600_000

export class IncidentStore {
  /** Open cases and incidents of the last hour, by id. */
  readonly byId = new Map<number, WallIncident>()
  version = 0

  /**
   * Parses a feature, a live incident event (`{kind, incident}` / `{incident}`) or a case event
   * (`{kind: 'case', case}` / a bare case summary); null if it is none of these.
   */
  static parse(raw: unknown): WallIncident | null {
    const o = raw as { incident?: unknown; case?: unknown } | null
    if (o && typeof o === 'object' && 'case' in o) return IncidentStore.parseCase(o.case)
    const f = (o && typeof o === 'object' && 'incident' in o ? o.incident : raw) as IncidentFeature | null
    const p = f?.properties
    if (!p) return IncidentStore.parseCase(raw)
    if (typeof p.id !== 'number') return null
    const [lon, lat] = f.geometry?.type === 'Point' ? f.geometry.coordinates : [NaN, NaN]
    return wallIncident({ ...p, id: p.id, state: p.state ?? 'reported' }, lon, lat)
  }

  /** A case summary as the `cases` layer and GET /api/v1/cases carry it. */
  private static parseCase(raw: unknown): WallIncident | null {
    const c = raw as Partial<CaseSummary> | null
    if (!c || typeof c !== 'object' || typeof c.id !== 'number' || typeof c.state !== 'string' || typeof c.reportedAt !== 'string') return null
    return wallIncident({ ...c, id: c.id, state: c.state }, typeof c.lon === 'number' ? c.lon : NaN, typeof c.lat === 'number' ? c.lat : NaN)
  }

  /** Adds or updates; keeps the first arrival time. Returns the stored incident. */
  upsert(inc: WallIncident, live: boolean, nowClient: number): WallIncident {
    const prev = this.byId.get(inc.id)
    const merged = { ...inc, arrivedAt: prev?.arrivedAt ?? (live ? nowClient : null) }
    this.byId.set(inc.id, merged)
    this.version++
    return merged
  }

  /**
   * A `cases` layer event: `{kind: 'case', case}` carries the whole case as it stands after the step. Other
   * kinds (`unit_status`) say nothing about a case's state: null.
   */
  applyStep(raw: unknown): WallIncident | null {
    if ((raw as { kind?: unknown } | null)?.kind !== 'case') return null
    const inc = IncidentStore.parse(raw)
    return inc ? this.upsert(inc, false, 0) : null
  }

  /** Replaces the open set from a snapshot, keeping recent closed ones for the last-hour count. */
  replaceOpen(features: unknown[], serverNow: number): void {
    for (const [id, inc] of this.byId) if (!CLOSED.has(inc.state)) this.byId.delete(id)
    for (const f of features) {
      const inc = IncidentStore.parse(f)
      if (inc) this.upsert(inc, false, 0)
    }
    this.prune(serverNow)
    this.version++
  }

  /** Forgets closed incidents older than an hour. */
  prune(serverNow: number): void {
    for (const [id, inc] of this.byId) {
      if (CLOSED.has(inc.state) && serverNow - inc.reportedAtMs > HOUR_MS) {
        this.byId.delete(id)
        this.version++
      }
    }
  }

  isOpen(inc: WallIncident): boolean {
    return !CLOSED.has(inc.state)
  }

  isOverdue(inc: WallIncident, serverNow: number): boolean {
    return this.isOpen(inc) && inc.deadlineAtMs !== null && inc.deadlineAtMs < serverNow
  }

  counts(serverNow: number): { open: number; lastHour: number; overdue: number; p1Open: number; dispatched: number } {
    let open = 0
    let lastHour = 0
    let overdue = 0
    let p1Open = 0
    let dispatched = 0
    for (const inc of this.byId.values()) {
      if (serverNow - inc.reportedAtMs <= HOUR_MS) lastHour++
      if (!this.isOpen(inc)) continue
      open++
      if (inc.priority === 1) p1Open++
      if (inc.state === 'dispatched' || inc.assignedUnitId) dispatched++
      if (this.isOverdue(inc, serverNow)) overdue++
    }
    return { open, lastHour, overdue, p1Open, dispatched }
  }

  /** Per grid: open cases and incidents reported in the last hour. */
  perGrid(serverNow: number): { open: Map<string, number>; lastHour: Map<string, number>; overdue: Map<string, number> } {
    const open = new Map<string, number>()
    const lastHour = new Map<string, number>()
    const overdue = new Map<string, number>()
    const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
    for (const inc of this.byId.values()) {
      if (!inc.gridCode) continue
      if (serverNow - inc.reportedAtMs <= HOUR_MS) add(lastHour, inc.gridCode)
      if (this.isOpen(inc)) add(open, inc.gridCode)
      if (this.isOverdue(inc, serverNow)) add(overdue, inc.gridCode)
    }
    return { open, lastHour, overdue }
  }

  /** The open ones with a position, for the map. */
  drawable(): WallIncident[] {
    return [...this.byId.values()].filter((i) => this.isOpen(i) && Number.isFinite(i.lon) && Number.isFinite(i.lat))
  }
}

const timeOf = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null)

/** The fields an incident feature's properties and a case summary share, by the same names. */
interface IncidentFields {
  id: number
  state: string
  priority?: number | string | null
  categoryCode?: string | null
  reportedAt?: string | null
  filedAt?: string | null
  dispatchedAt?: string | null
  deadlineAt?: string | null
  gridCode?: string | null
  assignedUnitId?: string | null
  expectedArrivalAt?: string | null
  description?: string | null
  address?: string | null
}

function wallIncident(p: IncidentFields, lon: number, lat: number): WallIncident {
  return {
    id: p.id,
    lon,
    lat,
    priority: Number(p.priority) || 4,
    state: p.state,
    categoryCode: p.categoryCode ?? null,
    reportedAtMs: Date.parse(p.reportedAt ?? ''),
    filedAtMs: timeOf(p.filedAt),
    dispatchedAtMs: timeOf(p.dispatchedAt),
    deadlineAtMs: timeOf(p.deadlineAt),
    gridCode: p.gridCode ?? null,
    assignedUnitId: p.assignedUnitId ?? null,
    expectedArrivalAtMs: timeOf(p.expectedArrivalAt),
    description: p.description ?? null,
    address: p.address ?? null,
    arrivedAt: null,
  }
}

import type { IncidentFeature } from './api.ts'

/**
 * Incidents as the wall counts them: open cases (not closed, voided or rejected) and everything reported in the
 * last hour, from the HTTP snapshot and the live `incidents`/`cases` events. Positions go to deck.gl as typed
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
  deadlineAtMs: number | null
  gridCode: string | null
  assignedUnitId: string | null
  description: string | null
  address: string | null
  /** Client time it first appeared live (not from a snapshot): it pulses for a while. */
  arrivedAt: number | null
}

const CLOSED = new Set(['closed', 'voided', 'rejected'])
const HOUR_MS = 3_600_000

export class IncidentStore {
  /** Open cases and incidents of the last hour, by id. */
  readonly byId = new Map<number, WallIncident>()
  version = 0

  /** Parses a feature or a live event (`{kind, incident}` / `{incident}` / a bare feature); null if it is neither. */
  static parse(raw: unknown): WallIncident | null {
    const o = raw as { incident?: unknown } | null
    const f = (o && typeof o === 'object' && 'incident' in o ? o.incident : raw) as IncidentFeature | null
    const p = f?.properties
    if (!p || typeof p.id !== 'number') return null
    const [lon, lat] = f.geometry?.type === 'Point' ? f.geometry.coordinates : [NaN, NaN]
    return {
      id: p.id,
      lon,
      lat,
      priority: Number(p.priority) || 4,
      state: p.state ?? 'reported',
      categoryCode: p.categoryCode ?? null,
      reportedAtMs: Date.parse(p.reportedAt),
      deadlineAtMs: p.deadlineAt ? Date.parse(p.deadlineAt) : null,
      gridCode: p.gridCode ?? null,
      assignedUnitId: p.assignedUnitId ?? null,
      description: p.description ?? null,
      address: p.address ?? null,
      arrivedAt: null,
    }
  }

  /** Adds or updates; keeps the first arrival time. Returns the stored incident. */
  upsert(inc: WallIncident, live: boolean, nowClient: number): WallIncident {
    const prev = this.byId.get(inc.id)
    const merged = { ...inc, arrivedAt: prev?.arrivedAt ?? (live ? nowClient : null) }
    this.byId.set(inc.id, merged)
    this.version++
    return merged
  }

  /** A case step without the whole incident: `{incidentId, toState}` and the like. */
  applyStep(raw: unknown): WallIncident | null {
    const e = raw as { incidentId?: unknown; id?: unknown; toState?: unknown; state?: unknown; assignedUnitId?: unknown; deadlineAt?: unknown } | null
    if (!e || typeof e !== 'object') return null
    const full = IncidentStore.parse(raw)
    if (full) return this.upsert(full, false, 0)
    const id = Number(e.incidentId ?? e.id)
    const inc = this.byId.get(id)
    if (!inc) return null
    const state = typeof e.toState === 'string' ? e.toState : typeof e.state === 'string' ? e.state : inc.state
    const next: WallIncident = { ...inc, state }
    if (typeof e.assignedUnitId === 'string') next.assignedUnitId = e.assignedUnitId
    if (typeof e.deadlineAt === 'string') next.deadlineAtMs = Date.parse(e.deadlineAt)
    this.byId.set(id, next)
    this.version++
    return next
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

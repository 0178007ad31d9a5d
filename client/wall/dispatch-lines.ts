import type { WallIncident } from './incident-store.ts'

/**
 * The line from each dispatched case to its assigned unit, with an ETA. The assignment keeps the road travel time
 * the router gave (server/dispatch/assignment-leg.ts), so the label counts down to that expected arrival, and says
 * when it has passed. An assignment without one (no fix, no road) is estimated from the straight-line distance
 * at an assumed urban speed and labelled as such. Positions go to deck.gl as binary attributes: the unit end
 * follows the unit's drawn (interpolated) position every frame without re-creating anything.
 */

/** Assumed speed for the straight-line estimate: 30 km/h, a patrol car in city traffic. */
export const STRAIGHT_LINE_SPEED_MPS = 30 / 3.6

export interface DispatchLink {
  incidentId: number
  unitId: string
  /** The case's position (fixed), where the label sits. */
  caseLonLat: [number, number]
  metres: number
  /** Whole minutes to arrival: by road until the expected arrival (0 once it has passed), else a straight-line estimate (at least 1). */
  etaMinutes: number
  basis: 'road' | 'straight'
}

type Binary = { length: number; attributes: Record<string, { value: Float64Array; size: number }> }

/** Metres between two lon/lat points (equirectangular: exact enough across a city). */
export function straightMetres(a: [number, number], b: [number, number]): number {
  const cos = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180)
  return Math.hypot((a[0] - b[0]) * 111_320 * cos, (a[1] - b[1]) * 111_320)
}

export function etaMinutes(metres: number): number {
  return Math.max(1, Math.ceil(metres / STRAIGHT_LINE_SPEED_MPS / 60))
}

/** Whole minutes left until an expected arrival; 0 once it is due or past. */
export function minutesUntil(atMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((atMs - nowMs) / 60_000))
}

export class DispatchLines {
  links: DispatchLink[] = []
  /** The line layer's data: `getSourcePosition` at the unit, `getTargetPosition` at the case. */
  data: Binary = { length: 0, attributes: {} }
  /** Bumped when the set of links or any ETA label changes (the text layer re-lays out only then). */
  labelsVersion = 0
  private source = new Float64Array(0)
  private target = new Float64Array(0)
  private labelKey = ''

  /**
   * Recomputes from the open cases and where their units are drawn now. Returns whether anything moved: the
   * caller redraws only then.
   */
  update(cases: Iterable<WallIncident>, positionOf: (unitId: string) => [number, number] | null, nowMs: number): boolean {
    const links: DispatchLink[] = []
    const src: number[] = []
    const dst: number[] = []
    for (const c of cases) {
      if (c.state !== 'dispatched' || !c.assignedUnitId || !Number.isFinite(c.lon) || !Number.isFinite(c.lat)) continue
      const at = positionOf(c.assignedUnitId)
      if (!at) continue
      const caseLonLat: [number, number] = [c.lon, c.lat]
      const metres = straightMetres(at, caseLonLat)
      const byRoad = c.expectedArrivalAtMs !== null
      links.push({
        incidentId: c.id, unitId: c.assignedUnitId, caseLonLat, metres,
        etaMinutes: byRoad ? minutesUntil(c.expectedArrivalAtMs!, nowMs) : etaMinutes(metres), basis: byRoad ? 'road' : 'straight',
      })
      src.push(at[0], at[1])
      dst.push(c.lon, c.lat)
    }
    const moved = !sameValues(this.source, src) || !sameValues(this.target, dst)
    this.links = links
    const key = links.map((l) => `${l.incidentId}:${l.unitId}:${l.etaMinutes}:${l.basis}`).join('|')
    if (key !== this.labelKey) {
      this.labelKey = key
      this.labelsVersion++
    }
    if (!moved) return false
    this.source = Float64Array.from(src)
    this.target = Float64Array.from(dst)
    // New wrappers tell deck.gl to upload the buffers again; the layer itself stays.
    this.data = {
      length: links.length,
      attributes: { getSourcePosition: { value: this.source, size: 2 }, getTargetPosition: { value: this.target, size: 2 } },
    }
    return true
  }
}

function sameValues(a: Float64Array, b: number[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false
  return true
}

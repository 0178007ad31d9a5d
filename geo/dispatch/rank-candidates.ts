import { lineString, type Leg } from '../routing/road-router.ts'
import type { LonLat } from '../routing/edge-shapes.ts'
import { labelled, type LabelledReason, type Reason } from './reasons.ts'

/**
 * The second stage of a recommendation: candidates from the straight-line shortlist, with their road legs, put
 * in the order a dispatcher should consider them, each with the reasons for its place.
 */

/** A unit from the straight-line shortlist: where it is, how far in a straight line, how old its fix. */
export interface ShortlistedUnit {
  unitId: string
  callsign: string
  /** Grid of the unit's latest fix. */
  gridCode: string | null
  lon: number
  lat: number
  straightMeters: number
  fixAgeS: number
}

export interface Candidate extends ShortlistedUnit {
  /** Road travel to the incident; null when the unit or the incident is off the network or unreachable. */
  leg: Leg | null
}

export interface RankContext {
  /** Grid of the incident. */
  gridCode: string | null
  /** Grids that touch it. */
  neighbours: ReadonlySet<string>
  /** A fix older than this is stale. */
  staleAfterS: number
  radiusM: number
}

export interface Recommendation {
  unitId: string
  callsign: string
  gridCode: string | null
  lon: number
  lat: number
  /** Whole seconds by road; null without a road route. */
  etaSeconds: number | null
  meters: number | null
  straightMeters: number
  fixAgeS: number
  reasons: LabelledReason[]
  /** Road geometry from the unit to the incident. */
  route: { type: 'LineString'; coordinates: LonLat[] } | null
}

/**
 * Order: units with a fresh fix inside the radius before the rest (which only fill a short list); then by ETA
 * in whole seconds (no road route last); at equal ETA the incident's own grid, then a neighbouring grid; then
 * straight-line distance and id, so the order is total and repeatable.
 */
export function rankCandidates(candidates: readonly Candidate[], ctx: RankContext): Recommendation[] {
  const affinity = (c: Candidate) =>
    c.gridCode !== null && c.gridCode === ctx.gridCode ? 0 : c.gridCode !== null && ctx.neighbours.has(c.gridCode) ? 1 : 2
  const ranked = candidates.map((c) => {
    const reasons: Reason[] = []
    const a = affinity(c)
    if (a === 0) reasons.push({ code: 'own_grid' })
    if (a === 1) reasons.push({ code: 'neighbouring_grid' })
    const stale = c.fixAgeS > ctx.staleAfterS
    const outside = c.straightMeters > ctx.radiusM
    if (stale) reasons.push({ code: 'stale_fix', fixAgeS: Math.round(c.fixAgeS) })
    if (outside) reasons.push({ code: 'outside_radius', radiusM: ctx.radiusM })
    if (!c.leg) reasons.push({ code: 'no_road_route' })
    const eta = c.leg ? Math.round(c.leg.seconds) : null
    return { c, tier: stale || outside ? 1 : 0, eta, affinity: a, reasons }
  })
  ranked.sort(
    (x, y) =>
      x.tier - y.tier ||
      (x.eta ?? Infinity) - (y.eta ?? Infinity) ||
      x.affinity - y.affinity ||
      x.c.straightMeters - y.c.straightMeters ||
      (x.c.unitId < y.c.unitId ? -1 : x.c.unitId > y.c.unitId ? 1 : 0),
  )
  return ranked.map(({ c, eta, reasons }) => ({
    unitId: c.unitId,
    callsign: c.callsign,
    gridCode: c.gridCode,
    lon: c.lon,
    lat: c.lat,
    etaSeconds: eta,
    meters: c.leg ? Math.round(c.leg.meters) : null,
    straightMeters: Math.round(c.straightMeters),
    fixAgeS: Math.round(c.fixAgeS),
    reasons: reasons.map(labelled),
    route: c.leg ? lineString(c.leg.geometry) : null,
  }))
}

import type { Graphs } from './road-network.ts'

/**
 * How each kind of unit moves and reports. Police control areas (cars over a few kilometres), patrol teams
 * control lines, guards control points (a post and the streets around it); grid workers walk their own grid.
 * Vehicles carry a Traccar Client phone in a cradle (OsmAnd protocol, every 5 s); people on foot or on a bike
 * carry the OwnTracks app. Numbers are rules of thumb, kept here so they can be tuned in one place.
 */

export type Travel = 'car' | 'bike' | 'foot'
export type PositionProtocol = 'osmand' | 'owntracks'

export interface UnitProfile {
  travel: Travel
  /** Destinations are drawn within this distance of the unit's base. */
  patrolRadiusM: number
  /** Median minutes at a patrol stop (log-normal, spread 0.6). */
  stopMinutes: number
  /** Traffic police stop at junctions of major roads. */
  prefersMajorRoads: boolean
  protocol: PositionProtocol
}

const CAR = { travel: 'car', protocol: 'osmand', prefersMajorRoads: false } as const
const BIKE = { travel: 'bike', protocol: 'owntracks', prefersMajorRoads: false } as const
const FOOT = { travel: 'foot', protocol: 'owntracks', prefersMajorRoads: false } as const

export const UNIT_PROFILES: Readonly<Record<string, UnitProfile>> = {
  patrol_police: { ...CAR, patrolRadiusM: 3000, stopMinutes: 4 },
  traffic_police: { ...CAR, patrolRadiusM: 3500, stopMinutes: 12, prefersMajorRoads: true },
  station_officer: { ...CAR, patrolRadiusM: 1500, stopMinutes: 8 },
  special_police: { ...CAR, patrolRadiusM: 4000, stopMinutes: 6 },
  joint_defence: { ...BIKE, patrolRadiusM: 1200, stopMinutes: 5 },
  urban_management: { ...BIKE, patrolRadiusM: 1500, stopMinutes: 6 },
  security_guard: { ...FOOT, patrolRadiusM: 300, stopMinutes: 15 },
  volunteer_patrol: { ...FOOT, patrolRadiusM: 800, stopMinutes: 5 },
  grid_worker: { ...FOOT, patrolRadiusM: 600, stopMinutes: 8 },
}

/** A type the simulator does not know (an imported unit) patrols like a police car. */
export function unitProfile(type: string): UnitProfile {
  return UNIT_PROFILES[type] ?? UNIT_PROFILES.patrol_police
}

export interface ReportIntervals {
  /** Seconds between fixes of a vehicle (car or bike). */
  vehicleS: number
  /** Seconds between fixes of a phone carried on foot. */
  footS: number
}

export const DEFAULT_REPORT_INTERVALS: ReportIntervals = { vehicleS: 5, footS: 10 }

export function graphOf(travel: Travel): Graphs {
  return travel === 'foot' ? 'walk' : 'drive'
}

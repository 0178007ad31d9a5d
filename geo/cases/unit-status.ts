import { z } from 'zod'

/** A unit's duty status, as stored on unit.status. Only an assignment makes a unit `dispatched`. */
export const UNIT_STATUSES = ['available', 'dispatched', 'en_route', 'on_scene', 'cleared', 'out_of_service'] as const
export type UnitStatus = (typeof UNIT_STATUSES)[number]

/** What a unit (or its dispatcher) may report: everything but `dispatched`, which comes from an assignment. */
export const REPORTABLE_UNIT_STATUSES = ['en_route', 'on_scene', 'cleared', 'out_of_service', 'available'] as const
export type ReportableUnitStatus = (typeof REPORTABLE_UNIT_STATUSES)[number]
export const reportableUnitStatusSchema = z.enum(REPORTABLE_UNIT_STATUSES)

/**
 * Allowed moves. A job runs dispatched -> en route -> on scene -> cleared -> available; a unit can stand down
 * to available before it arrives (the job went to someone else). Out of service only from a free unit, so a
 * job is never silently dropped.
 */
export const UNIT_STATUS_MOVES: Readonly<Record<UnitStatus, readonly UnitStatus[]>> = {
  available: ['dispatched', 'out_of_service'],
  dispatched: ['en_route', 'available'],
  en_route: ['on_scene', 'available'],
  on_scene: ['cleared'],
  cleared: ['available', 'out_of_service'],
  out_of_service: ['available'],
}

export const canMoveUnit = (from: UnitStatus, to: UnitStatus): boolean => UNIT_STATUS_MOVES[from].includes(to)

/** The timestamp of the assignment a reported status sets, if any. */
export const ASSIGNMENT_STAMP: Partial<Record<UnitStatus, 'enRouteAt' | 'onSceneAt' | 'clearedAt' | 'releasedAt'>> = {
  en_route: 'enRouteAt',
  on_scene: 'onSceneAt',
  cleared: 'clearedAt',
  // Standing down before arrival ends the assignment without a clear.
  available: 'releasedAt',
}

export interface AssignmentTimes {
  reportedAt: Date
  assignedAt: Date
  enRouteAt: Date | null
  onSceneAt: Date | null
}

/**
 * Response intervals in seconds, as emergency services measure them: processing (report received -> unit
 * assigned), turnout (assigned -> moving), travel (moving -> on scene), total (report -> on scene). An interval
 * whose end has not happened is null.
 */
export interface ResponseTimers {
  processingS: number
  turnoutS: number | null
  travelS: number | null
  totalS: number | null
}

const seconds = (from: Date, to: Date | null) => (to === null ? null : Math.round((to.getTime() - from.getTime()) / 1000))

export function responseTimers(t: AssignmentTimes): ResponseTimers {
  return {
    processingS: seconds(t.reportedAt, t.assignedAt)!,
    turnoutS: seconds(t.assignedAt, t.enRouteAt),
    travelS: t.enRouteAt ? seconds(t.enRouteAt, t.onSceneAt) : null,
    totalS: seconds(t.reportedAt, t.onSceneAt),
  }
}

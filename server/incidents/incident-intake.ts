import type { Db } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import type { GridIndex } from '../../geo/grid-index/grid-index.ts'
import type { IncidentCreatedEvent, IncidentFeature, IncidentReport } from '../../geo/ingest/incident-report.ts'
import { findIncident, insertIncident, type IntakeChannel } from './incident-store.ts'
import { coversArea } from '../auth/area-scope.ts'
import { HttpError } from '../http/http-error.ts'

export type IncidentPublisher = (gridCode: string | null, event: IncidentCreatedEvent) => void

export interface IncidentIntake {
  /** Stores a validated report (or finds the one its source id already made) and announces a new one. */
  submit(report: IncidentReport, via: IntakeChannel): Promise<{ incident: IncidentFeature; created: boolean }>
  /** Called after commit with each new incident and its grid (null outside every grid: the city room). */
  onCreated(publish: IncidentPublisher): void
}

/**
 * Every channel's way in: grid assignment with the in-memory index, one transaction for the incident and its
 * first case event, then the live announcement. A redelivered report is answered with the stored incident and
 * announced no second time.
 */
export function createIncidentIntake(db: Db, grids: GridIndex, log: Logger): IncidentIntake {
  const publishers: IncidentPublisher[] = []
  return {
    async submit(report, via) {
      const gridCode = grids.lookup(report.lon, report.lat)
      const p = via.jurisdiction
      if (p && p.areas !== 'all' && (gridCode === null || !coversArea(p, gridCode))) {
        throw new HttpError(403, 'outside_jurisdiction', 'the position lies outside your jurisdiction', [
          { path: 'body.lon', message: `grid ${gridCode ?? 'none'} is not under ${p.areas.join(', ')}` },
        ])
      }
      const { id, created } = await insertIncident(db, report, gridCode, via)
      const incident = await findIncident(db, id)
      if (!incident) throw new Error(`incident ${id} vanished after commit`)
      if (created) {
        for (const publish of publishers) {
          try {
            publish(incident.properties.gridCode, { kind: 'created', incident })
          } catch (err) {
            // Committed is committed: a failed announcement must not turn into a failed report.
            log.error({ err, incidentId: id }, 'publishing a new incident failed')
          }
        }
      }
      return { incident, created }
    },
    onCreated(publish) {
      publishers.push(publish)
    },
  }
}

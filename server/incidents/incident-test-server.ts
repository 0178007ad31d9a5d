import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import type { Db } from '../db/db.ts'
import { createLogger } from '../logger.ts'
import { errorHandler, notFoundHandler } from '../http/http-error.ts'
import { insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { loadCatalogue } from '../../seeds/load/load-catalogue.ts'
import type { IncidentCreatedEvent } from '../../geo/ingest/incident-report.ts'
import { createIncidentIntake, type IncidentIntake } from './incident-intake.ts'
import { incidentRouter } from './incident-routes.ts'
import { open311Router, type Open311Deps } from './open311-routes.ts'
import { withPrincipal } from '../auth/principal.ts'
import { testPrincipal } from '../testing/test-users.ts'

export interface IncidentTestServer {
  base: string
  intake: IncidentIntake
  /** What the live hub would have been handed, in order. */
  published: Array<{ gridCode: string | null; event: IncidentCreatedEvent }>
  close(): Promise<void>
}

/**
 * The incident routes as the app mounts them (Open311 before the app's JSON parser), on the demo catalogue and
 * the two fixture grids around the shared samples' positions, called by a city-wide dispatcher.
 */
export async function startIncidentServer(db: Db, clients?: Open311Deps['clients']): Promise<IncidentTestServer> {
  await loadCatalogue(db)
  const grids = await insertTrackingFixture(db)
  const log = createLogger('silent', false)
  const intake = createIncidentIntake(db, grids, log)
  const published: IncidentTestServer['published'] = []
  intake.onCreated((gridCode, event) => published.push({ gridCode, event }))
  const app = express()
  app.use(withPrincipal(testPrincipal('dispatcher')))
  app.use(open311Router({ db, intake, log, clients }))
  app.use(express.json({ limit: '1mb' }))
  app.use(incidentRouter(db, intake))
  app.use(notFoundHandler)
  app.use(errorHandler(log))
  const server: Server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    intake,
    published,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

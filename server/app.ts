import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import express, { type Express } from 'express'
import type { Db } from './db/db.ts'
import type { Config } from './config/config.ts'
import type { Logger } from './logger.ts'
import { errorHandler, notFoundHandler } from './http/http-error.ts'
import { gridRouter } from './http/grid-routes.ts'
import { healthRouter, type ReadinessProbe } from './http/health-routes.ts'
import { basemapRouter } from './http/basemap-routes.ts'
import { unitRouter } from './http/unit-routes.ts'
import { ingestRouter } from './ingest/ingest-routes.ts'
import type { PositionPipeline } from './ingest/position-pipeline.ts'
import type { IncidentIntake } from './incidents/incident-intake.ts'
import { incidentRouter } from './incidents/incident-routes.ts'
import { open311Router } from './incidents/open311-routes.ts'
import type { AlertIngest } from './alerts/alert-store.ts'
import type { SnapshotFiles } from './alerts/snapshot-files.ts'
import { alertRouter } from './alerts/alert-routes.ts'
import type { FeedHealth } from './ingest/feed-health.ts'

export const CLIENT_DIST = fileURLToPath(new URL('../client/dist/', import.meta.url))

export interface AppDeps {
  db: Db
  config: Config
  log: Logger
  pipeline: PositionPipeline
  incidents: IncidentIntake
  alerts: AlertIngest
  snapshots: SnapshotFiles
  feeds: FeedHealth
  /** Filled in as the broker and Redis connect; /readyz asks each. */
  probes: Map<string, ReadinessProbe>
  cityCode: string
}

/** The HTTP surface: every route is mounted here and nowhere else. */
export function createApp({ db, config, log, pipeline, incidents, alerts, snapshots, feeds, probes, cityCode }: AppDeps): Express {
  const app = express()
  app.disable('x-powered-by')
  // Ingest first: its routes parse their own bodies, with limits sized for each protocol.
  app.use(ingestRouter(pipeline, feeds))
  // Open311 parses its own bodies too, and answers errors in Open311's format.
  app.use(open311Router({ db, intake: incidents, log }))
  // The webhook's signature covers the raw body, so it reads the body itself.
  app.use(alertRouter({ db, ingest: alerts, snapshots, webhookSecret: config.WEBHOOK_SECRET, feeds }))
  app.use(express.json({ limit: '1mb' }))
  app.use(healthRouter(db, feeds, probes))
  app.use(gridRouter(db))
  app.use(unitRouter(db, () => cityCode))
  app.use(incidentRouter(db, incidents))
  app.use(basemapRouter(config.basemapDir))
  if (existsSync(CLIENT_DIST)) app.use(express.static(CLIENT_DIST, { extensions: ['html'] }))
  app.use(notFoundHandler)
  app.use(errorHandler(log))
  return app
}

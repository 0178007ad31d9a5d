import { existsSync } from 'node:fs'
import { join } from 'node:path'
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
import { mountSecurity, type AppSecurity } from './auth/security.ts'
import { authRouter } from './auth/auth-routes.ts'
import { pageGate } from './auth/page-gate.ts'
import { auditRouter } from './audit/audit-routes.ts'
import { exportRouter } from './audit/export-routes.ts'
import type { AlertPublisher } from './alerts/alert-store.ts'
import { alertAcknowledgeRouter } from './alerts/alert-acknowledge.ts'
import { videoRouter } from './video/video-routes.ts'
import { analyticsRouter } from './analytics/analytics-routes.ts'
import { dispatchRouter } from './dispatch/dispatch-routes.ts'
import type { RoadRouter } from '../geo/routing/road-router.ts'
import type { CaseStore } from './cases/case-store.ts'
import { caseRouter } from './cases/case-routes.ts'

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
  /** Authentication, device keys and the audit log (server/auth/security.ts). */
  security: AppSecurity
  /** Where an acknowledged alert is announced (the hub's alerts layer); without it, no acknowledge route. */
  publishAlert?: AlertPublisher
  /** Cameras whose local test stream runs; without it, no local streams are served. */
  localStreams?: () => ReadonlySet<string>
  /** The road router (reloaded when an import replaces the graph); without one, /route answers 503 and recommendations rank by straight line. */
  roads?: () => RoadRouter | null
  /** The closed-loop case workflow (server/cases); without it, no case routes. */
  cases?: CaseStore
}

/** The HTTP surface: every route is mounted here and nowhere else. */
export function createApp({ db, config, log, pipeline, incidents, alerts, snapshots, feeds, probes, cityCode, publishAlert, localStreams, security, roads, cases }: AppDeps): Express {
  const app = express()
  app.disable('x-powered-by')
  // Headers, req.principal and the audit of writes come before every route.
  mountSecurity(app, security, config.MEDIA_ORIGINS)
  // Ingest first: its routes parse their own bodies, with limits sized for each protocol.
  app.use(ingestRouter(pipeline, security.deviceKeys, feeds))
  // Open311 parses its own bodies too, and answers errors in Open311's format.
  app.use(open311Router({ db, intake: incidents, log, postsPerMinute: config.OPEN311_POSTS_PER_MINUTE }))
  // The webhook's signature covers the raw body, so it reads the body itself.
  app.use(alertRouter({ db, ingest: alerts, snapshots, webhookSecret: config.WEBHOOK_SECRET, feeds }))
  app.use(authRouter(db, security.auth, security.policy))
  app.use(express.json({ limit: '1mb' }))
  app.use(auditRouter(db))
  app.use(exportRouter())
  app.use(healthRouter(db, feeds, probes))
  app.use(gridRouter(db))
  app.use(unitRouter(db, () => cityCode))
  app.use(incidentRouter(db, incidents))
  app.use(analyticsRouter(db))
  app.use(dispatchRouter(db, roads ?? (() => null), { staleAfterS: config.DISPATCH_STALE_AFTER_S, radiusM: config.DISPATCH_RADIUS_M }))
  if (cases) app.use(caseRouter({ store: cases, rules: {
    borderMetres: config.CASE_BORDER_METRES,
    duplicates: { radiusM: config.CASE_DUPLICATE_RADIUS_M, windowHours: config.CASE_DUPLICATE_WINDOW_HOURS },
  } }))
  app.use(basemapRouter(config.basemapDir))
  if (publishAlert) app.use(alertAcknowledgeRouter({ db, publish: publishAlert }))
  app.use(videoRouter({ db, snapshots, videoDir: join(config.dataDir, 'video'), localStreams: localStreams ?? (() => new Set()), mediaOrigins: config.MEDIA_ORIGINS }))
  app.use(pageGate(security.auth, CLIENT_DIST))
  if (existsSync(CLIENT_DIST)) app.use(express.static(CLIENT_DIST, { extensions: ['html'] }))
  app.use(notFoundHandler)
  app.use(errorHandler(log))
  return app
}

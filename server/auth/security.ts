import type { Express } from 'express'
import helmet from 'helmet'
import type { Config } from '../config/config.ts'
import type { Db } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import { AuditLog } from '../audit/audit-log.ts'
import { auditWrites } from '../audit/audit-http.ts'
import { Authenticator } from './authenticate.ts'
import { DeviceKeys } from './device-keys.ts'
import type { AuthPolicy } from './auth-routes.ts'

/** What every request and socket is checked with; one per server process. */
export interface AppSecurity {
  auth: Authenticator
  audit: AuditLog
  deviceKeys: DeviceKeys
  policy: AuthPolicy
}

export function createSecurity(db: Db, config: Config, log: Logger): AppSecurity {
  return {
    auth: new Authenticator(db),
    audit: new AuditLog(db, log),
    deviceKeys: new DeviceKeys(db),
    policy: {
      sessionTtlMs: config.SESSION_HOURS * 3_600_000,
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockMs: config.LOGIN_LOCK_MINUTES * 60_000,
      attemptsPerMinute: 20,
    },
  }
}

/**
 * The pages load only their own scripts, styles, tiles and fonts, and talk only to us and to the media servers
 * listed in MEDIA_ORIGINS (a WHEP offer is a fetch, HLS playlists and segments are fetched by hls.js, a native HLS
 * player loads them as media). MapLibre starts its workers from blob: URLs and draws sprites and glyphs through
 * blob:/data: images; MapLibre and deck.gl set element styles from script, which needs 'unsafe-inline' for style
 * attributes only (no inline script anywhere). No upgrade-insecure-requests: a wall on the LAN reaches us over
 * plain HTTP.
 */
export function contentSecurityPolicy(mediaOrigins: readonly string[]) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      styleSrcAttr: ["'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", ...mediaOrigins],
      workerSrc: ["'self'", 'blob:'],
      mediaSrc: ["'self'", 'blob:', ...mediaOrigins],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  }
}

/**
 * Security headers, the authenticated principal (req.principal from the session cookie or a bearer token) and the
 * audit of every write. Mounted first, before every router. CORS stays closed: no Access-Control-Allow-* header is
 * ever sent, so browsers keep other sites' scripts from reading our answers.
 */
export function mountSecurity(app: Express, security: AppSecurity, mediaOrigins: readonly string[] = []): void {
  app.use(helmet({ contentSecurityPolicy: contentSecurityPolicy(mediaOrigins) }))
  app.locals.audit = security.audit
  app.use(security.auth.middleware())
  app.use(auditWrites())
}

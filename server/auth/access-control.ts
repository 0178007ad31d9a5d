import type { Namespace } from 'socket.io'
import type { Config } from '../config/config.ts'
import type { Db } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import type { SnapshotFiles } from '../alerts/snapshot-files.ts'
import { enforceRetention, scheduleRetention } from '../audit/retention.ts'
import { ensureFirstAdmin } from './first-admin.ts'
import { createSecurity, type AppSecurity } from './security.ts'
import { authenticateLive } from './socket-auth.ts'

export interface AccessControl {
  security: AppSecurity
  /** Authenticates the live namespace's handshakes and ends sockets with their session (call before anyone connects). */
  protectLive(live: Namespace, cityCode: string): void
  /** Stops the retention schedule and writes what the audit log still holds. */
  close(): Promise<void>
}

/**
 * Everything access control needs at start: the authenticator, device keys and audit log, the first admin on an
 * empty database (a generated password is printed once, to the terminal only), and the hourly retention job.
 */
export async function startAccessControl(db: Db, config: Config, log: Logger, snapshots: SnapshotFiles): Promise<AccessControl> {
  const security = createSecurity(db, config, log)
  const admin = await ensureFirstAdmin(db, config.ADMIN_PASSWORD)
  if (admin) {
    log.info({ username: admin.username }, 'first admin created')
    if (admin.generatedPassword) {
      process.stdout.write(`\nFirst start: log in as "${admin.username}" with password ${admin.generatedPassword}\n` +
        'It is shown only this once and stored only as a hash: change it, or set ADMIN_PASSWORD before the first start.\n\n')
    }
  }
  const policy = { positionsDays: config.RETAIN_POSITIONS_DAYS, snapshotsDays: config.RETAIN_SNAPSHOTS_DAYS, auditDays: config.RETAIN_AUDIT_DAYS }
  const stopLive: Array<() => void> = []
  const retention = scheduleRetention((now) => enforceRetention(db, snapshots, security.audit, policy, now), log)
  return {
    security,
    protectLive: (live, cityCode) => void stopLive.push(authenticateLive(live, security.auth, cityCode)),
    async close() {
      for (const stop of stopLive) stop()
      retention.stop()
      await retention.running()
      await security.audit.flush()
    },
  }
}

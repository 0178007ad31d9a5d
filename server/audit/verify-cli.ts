import { loadConfig } from '../config/config.ts'
import { openDb } from '../db/open-db.ts'
import { verifyAuditChain } from './verify-chain.ts'

/*
 * `npm run audit:verify`: proves the audit chain of the configured database (DATABASE_URL, or the embedded one
 * under DATA_DIR: stop the server first, the embedded database has one user at a time). Exit 0 intact, 1 broken.
 */
const config = loadConfig()
const db = await openDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir })
try {
  const v = await verifyAuditChain(db)
  if (v.ok) {
    process.stdout.write(`audit chain intact: ${v.rows} rows${v.rows ? ` (ids ${v.firstId}..${v.lastId})` : ''}\n`)
  } else {
    process.stdout.write(`audit chain BROKEN at row id ${v.badId}: ${v.reason} (${v.rows - 1} rows before it verified)\n`)
    process.exitCode = 1
  }
} finally {
  await db.close()
}

import express from 'express'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { listen } from '../testing/listen.ts'
import { createTestUser } from '../testing/test-users.ts'
import { errorHandler, notFoundHandler } from '../http/http-error.ts'
import type { Config } from '../config/config.ts'
import { createSecurity, mountSecurity, type AppSecurity } from '../auth/security.ts'
import { verifyAuditChain } from './verify-chain.ts'
import { exportRouter } from './export-routes.ts'

describeBackends('export records', ({ db }) => {
  let base = ''
  let close: () => Promise<void>
  let security: AppSecurity
  const exports = async () =>
    (await security.audit.flush(),
    (await db().query<{ actor: string; action: string; target_type: string; target_id: string; detail: unknown }>(
      `SELECT actor, action, target_type, target_id, detail FROM audit_log WHERE action IN ('export', 'http.write') ORDER BY id`,
    )).rows)
  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(`${base}/api/v1/exports`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const record = { what: 'hotspots', format: 'geojson', view: 'layer=hotspots&from=2026-03-03&to=2026-06-01', rows: 866 }

  beforeAll(async () => {
    security = createSecurity(db(), { SESSION_HOURS: 12, LOGIN_MAX_FAILURES: 3, LOGIN_LOCK_MINUTES: 15 } as Config, pino({ level: 'silent' }))
    const app = express()
    mountSecurity(app, security)
    app.use(exportRouter())
    app.use(notFoundHandler)
    app.use(errorHandler(pino({ level: 'silent' })))
    ;({ url: base, close } = await listen(app))
  })
  afterAll(() => close?.())

  it('records an analyst export once, committed before the answer, in a chain that verifies', async () => {
    const analyst = await createTestUser(db(), { role: 'analyst', username: 'ana' })
    const res = await post(analyst.headers, record)
    expect(res.status).toBe(201)
    expect(await exports()).toEqual([
      { actor: 'ana', action: 'export', target_type: 'hotspots', target_id: 'geojson', detail: { view: record.view, rows: 866 } },
    ])
    expect((await verifyAuditChain(db())).ok).toBe(true)
  })

  it('refuses bad records, other roles and no session, recording no export', async () => {
    const analyst = await createTestUser(db(), { role: 'analyst' })
    const before = (await exports()).filter((r) => r.action === 'export').length
    const bad = await post(analyst.headers, { ...record, format: 'xlsx', what: "x'; DROP TABLE incident;--" })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path).sort()).toEqual(['body.format', 'body.what'])
    const wall = await createTestUser(db(), { role: 'wall' })
    expect((await post(wall.headers, record)).status).toBe(403)
    expect((await post({}, record)).status).toBe(401)
    expect((await exports()).filter((r) => r.action === 'export').length).toBe(before)
  })
})

import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { SnapshotFiles } from '../alerts/snapshot-files.ts'
import { AuditLog } from './audit-log.ts'
import { verifyAuditChain } from './verify-chain.ts'
import { enforceRetention, scheduleRetention } from './retention.ts'
import { canonicalJson } from './audit-chain.ts'

const DAY = 86_400_000

describeBackends('audit log', ({ db, backend }) => {
  let clock = new Date('2026-01-01T00:00:00Z')
  let audit: AuditLog
  beforeAll(() => {
    audit = new AuditLog(db(), undefined, () => clock)
  })

  it('hashes canonically: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}')
  })

  it('keeps one unbroken chain under concurrent writers (two logs, as two processes would)', async () => {
    const other = new AuditLog(db(), undefined, () => clock)
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? audit : other).append({ actor: `u${i}`, actorIp: '127.0.0.1', action: 'http.write', targetType: 'incidents', detail: { i, nested: { z: 1, a: [i] } } }),
      ),
    )
    const v = await verifyAuditChain(db())
    expect(v).toMatchObject({ ok: true, rows: 40 })
    const forks = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT prev_hash FROM audit_log GROUP BY prev_hash HAVING count(*) > 1) f')
    expect(forks.rows[0].n).toBe(0)
  })

  it('refuses updates and plain deletes at the database', async () => {
    await expect(db().query(`UPDATE audit_log SET actor = 'mallory' WHERE id = (SELECT min(id) FROM audit_log)`)).rejects.toThrow(/append-only/)
    await expect(db().query('DELETE FROM audit_log')).rejects.toThrow(/append-only/)
  })

  it('pinpoints an edited row and a removed row', async () => {
    const ids = (await db().query<{ id: number }>('SELECT id FROM audit_log ORDER BY id')).rows.map((r) => r.id)
    const victim = ids[10]
    // Someone with the table owner's rights goes around the triggers.
    await db().exec('ALTER TABLE audit_log DISABLE TRIGGER USER')
    try {
      await db().query(`UPDATE audit_log SET detail = '{"i": 999}'::jsonb WHERE id = $1`, [victim])
      expect(await verifyAuditChain(db())).toMatchObject({ ok: false, badId: victim, reason: expect.stringMatching(/edited/) })
      await db().query('DELETE FROM audit_log WHERE id = $1', [victim])
      expect(await verifyAuditChain(db())).toMatchObject({ ok: false, badId: ids[11], reason: expect.stringMatching(/removed or reordered/) })
      // Put the chain back for the retention test: drop the damaged tail.
      await db().query('DELETE FROM audit_log WHERE id > $1', [ids[9]])
    } finally {
      await db().exec('ALTER TABLE audit_log ENABLE TRIGGER USER')
    }
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, rows: 10 })
  })

  it(`enforces retention per data class on a schedule driven by a fake clock [${backend}]`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-retention-'))
    try {
      const snapshots = new SnapshotFiles(dir)
      await db().exec(`
        INSERT INTO unit (id, callsign, type, shift) VALUES ('ret-1', 'R-1', 'patrol_car', 'day');
        INSERT INTO position_history (unit_id, device_time, server_time, geom, source) VALUES
          ('ret-1', '2025-09-01T00:00:00Z', '2025-09-01T00:00:00Z', ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), 'bulk'),
          ('ret-1', '2025-12-30T00:00:00Z', '2025-12-30T00:00:00Z', ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), 'bulk');
        INSERT INTO camera (id, name, geom, heading_deg, fov_deg, range_m, placement, owner)
          VALUES ('ret-cam', 'c', ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), 0, 60, 50, 'main_road', 'city');
        INSERT INTO camera_alert (id, source, source_id, camera_id, type, started_at, server_time) VALUES
          (9001, 'webhook', 'old', 'ret-cam', 'smoke', '2025-10-01T00:00:00Z', '2025-10-01T00:00:00Z'),
          (9002, 'webhook', 'new', 'ret-cam', 'smoke', '2025-12-31T00:00:00Z', '2025-12-31T00:00:00Z');`)
      writeFileSync(snapshots.path(9001), 'old')
      writeFileSync(snapshots.path(9002), 'new')
      // Audit rows 400 days old, then today's.
      const auditRows = (await db().query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0].n
      clock = new Date(clock.getTime() + 400 * DAY)
      await audit.append({ actor: 'late', action: 'http.write' })

      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
      const runs: Date[] = []
      const policy = { positionsDays: 90, snapshotsDays: 30, auditDays: 365 }
      const fake = { now: new Date('2026-01-01T12:00:00Z') }
      const job = scheduleRetention(
        async (now) => {
          runs.push(now)
          return enforceRetention(db(), snapshots, audit, policy, now)
        },
        { info: () => {}, error: () => {} } as never,
        { everyMs: 3_600_000, now: () => fake.now },
      )
      await job.running()
      // At start: positions older than 90 days and snapshots older than 30 go; audit is younger than a year then.
      expect((await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM position_history WHERE unit_id = 'ret-1'`)).rows[0].n).toBe(1)
      expect(existsSync(snapshots.path(9001))).toBe(false)
      expect(existsSync(snapshots.path(9002))).toBe(true)
      // An hour later on the fake clock, 400 days on: the old audit rows go, the chain still proves.
      fake.now = new Date(clock.getTime() + 1000)
      vi.advanceTimersByTime(3_600_000)
      await job.running()
      expect(runs).toHaveLength(2)
      job.stop()
      const left = await db().query<{ actor: string; action: string }>('SELECT actor, action FROM audit_log ORDER BY id')
      // The ten year-old rows went; what is left is the late row and the two runs' own records.
      expect(auditRows).toBe(10)
      expect(left.rows).toEqual([
        { actor: 'late', action: 'http.write' }, { actor: 'system', action: 'retention.run' }, { actor: 'system', action: 'retention.run' },
      ])
      const v = await verifyAuditChain(db())
      expect(v.ok).toBe(true)
      const anchor = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM audit_anchor')
      expect(anchor.rows[0].n).toBe(1)
    } finally {
      vi.useRealTimers()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

afterAll(() => vi.useRealTimers())

import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../../server/testing/demo-server.ts'
import { placeKindRates } from '../demo/incident-rhythm.ts'
import { DEMO_UTC_OFFSET_MINUTES } from './duty.ts'
import { startSimulator, type SimulatorStats } from './simulator.ts'

/**
 * The whole loop: the demo server with its seeded city, the simulator driving its units a few simulated
 * minutes (sped up 6 times, starting ten minutes ago so no fix is ahead of the server's clock), and the
 * positions arriving through the public ingest routes into the history and the units API.
 */
describe('simulator against the demo server', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let stats: SimulatorStats
  let historyBefore: number
  let open311Mounted = false
  const startAt = new Date(Date.now() - 10 * 60_000)

  beforeAll(async () => {
    server = await startDemoServer()
    historyBefore = await count('SELECT count(*)::int AS n FROM position_history')
    open311Mounted = (await fetch(`${server.url}/open311/v2/services.json`)).status === 200
    const sim = await startSimulator({
      db: server.db,
      serverUrl: server.url,
      units: 200,
      seed: 'e2e',
      speedUp: 6,
      startAt,
      // About 17 reports over the run at any hour: the day's rhythm falls to a tenth of its average at night,
      // where a fixed rate left two or three reports and the test failed whenever it ran in Montevideo's night.
      citizenReportsPerDay: Math.round(20_000 / rhythmAt(startAt.getTime())),
      log: pino({ level: 'silent' }),
    })
    await new Promise((r) => setTimeout(r, 12_000))
    // After stop: what was in flight has landed and is counted.
    await sim.stop()
    stats = sim.stats()
  }, 300_000)

  afterAll(async () => {
    await server?.stop()
  })

  async function count(sql: string): Promise<number> {
    return (await server.db.query<{ n: number }>(sql)).rows[0].n
  }

  it('simulates only the units the database has, on the protocol of their tracker', () => {
    expect(stats.units).toBe(40)
    expect(stats.positions.osmand.devices + stats.positions.owntracksHttp.devices).toBe(40)
    expect(stats.positions.owntracksMqtt.devices).toBe(0)
    expect(stats.onDuty).toBeGreaterThan(0)
    // Over a simulated minute.
    expect(Date.parse(stats.simTime) - startAt.getTime()).toBeGreaterThan(60_000)
  })

  it('delivers the fixes it made, and the history grew by exactly those', async () => {
    const sent = stats.positions.osmand.sent + stats.positions.owntracksHttp.sent
    // 72 simulated seconds: 14 fixes a car, 7 a person on foot, less dropouts, a start spread over one interval
    // and what was still waiting for a slow (embedded, shared) database when the run stopped.
    expect(sent).toBeGreaterThan(stats.onDuty * 4)
    expect(stats.positions.osmand.dropped + stats.positions.owntracksHttp.dropped).toBe(0)
    const grew = (await count('SELECT count(*)::int AS n FROM position_history')) - historyBefore
    expect(grew).toBe(sent)
    const bySource = await server.db.query<{ source: string; n: number }>(
      'SELECT source, count(*)::int AS n FROM position_history GROUP BY source',
    )
    const n = (s: string) => bySource.rows.find((r) => r.source === s)?.n ?? 0
    expect(n('osmand')).toBe(stats.positions.osmand.sent)
    expect(n('owntracks')).toBe(stats.positions.owntracksHttp.sent)
    // The filter lets through almost all of them (parked phones' wobble and multipath jumps are the rest).
    const accepted = await count(`SELECT count(*)::int AS n FROM position_history WHERE verdict = 'accepted'`)
    expect(accepted / grew).toBeGreaterThan(0.6)
  })

  it('shows the units on duty with fresh positions in the units API', async () => {
    const res = await fetch(`${server.url}/api/v1/units`, { headers: server.headers })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      features: { geometry: { coordinates: [number, number] } | null; properties: { id: string; fixAgeS: number | null } }[]
    }
    const reporting = body.features.filter((f) => f.properties.fixAgeS !== null && f.properties.fixAgeS < 15 * 60)
    expect(reporting.length).toBeGreaterThanOrEqual(Math.floor(stats.onDuty * 0.9))
    for (const f of reporting) {
      const [lon, lat] = f.geometry!.coordinates
      // Montevideo.
      expect(lon).toBeGreaterThan(-56.5)
      expect(lon).toBeLessThan(-55.9)
      expect(lat).toBeGreaterThan(-35.0)
      expect(lat).toBeLessThan(-34.6)
    }
  })

  it('files citizen reports through Open311 once that endpoint exists', async () => {
    if (!open311Mounted) {
      // Not mounted yet: every report is refused with 404, logged once, and the simulator carries on.
      expect(stats.citizenReports.sent).toBe(0)
      return
    }
    expect(stats.citizenReports.sent).toBeGreaterThan(5)
    const citizen = await count(`SELECT count(*)::int AS n FROM incident WHERE source = 'citizen' AND reported_at > now() - interval '5 minutes'`)
    expect(citizen).toBe(stats.citizenReports.sent)
  })
})

/** The citizen-report rhythm at an instant, relative to the day's average (see incident-rhythm.ts). */
function rhythmAt(ms: number): number {
  return placeKindRates(ms, DEMO_UTC_OFFSET_MINUTES, new Float64Array(32)).reduce((a, b) => a + b, 0)
}

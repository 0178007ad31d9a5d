import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { beforeAll, expect, it } from 'vitest'
import { parseOpen311Request } from '../../geo/ingest/parse-open311.ts'
import { parseOsmand } from '../../geo/ingest/parse-osmand.ts'
import { parseOwnTracks } from '../../geo/ingest/parse-owntracks.ts'
import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import { describeBackends } from '../../server/testing/backends.ts'
import { startSimulator } from './simulator.ts'
import { insertLatticeCity } from './test-network.ts'

/**
 * startSimulator against a stand-in server that speaks the ingest protocols with the real parsers, and that
 * can be made busy (503) or taken down and brought back, as a real server restarting would.
 */
describeBackends('startSimulator', ({ db }) => {
  const types = ['patrol_police', 'traffic_police', 'grid_worker', 'urban_management', 'security_guard', 'special_police']

  beforeAll(async () => {
    await insertLatticeCity(db(), 6, types)
  })

  it('reports every unit through its protocol, backs off when the server is busy or gone, and catches up', async () => {
    const fixes: PositionFix[] = []
    const reports: unknown[] = []
    const problems: string[] = []
    let mode: 'ok' | 'busy' = 'ok'
    const arrivals: { at: number; mode: string }[] = []

    const handler = (req: IncomingMessage, res: ServerResponse) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c))
      req.on('end', () => {
        arrivals.push({ at: Date.now(), mode })
        if (mode === 'busy') {
          res.writeHead(503, { 'Retry-After': '1' }).end()
          return
        }
        try {
          const url = new URL(req.url!, 'http://x')
          if (url.pathname === '/ingest/osmand') fixes.push(parseOsmand(Object.fromEntries(url.searchParams)))
          else if (url.pathname === '/ingest/owntracks') {
            fixes.push(parseOwnTracks(JSON.parse(body), `owntracks/${req.headers['x-limit-u']}/${req.headers['x-limit-d']}`))
          } else if (url.pathname === '/open311/v2/requests.json') {
            reports.push(parseOpen311Request(Object.fromEntries(new URLSearchParams(body)), { source: 'citizen', sourceId: null, now: new Date() }))
          } else {
            res.writeHead(404).end()
            return
          }
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]')
        } catch (err) {
          problems.push(`${req.url}: ${(err as Error).message}`)
          res.writeHead(400).end()
        }
      })
    }
    let server: Server = createServer(handler)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port

    const start = Date.now() - 10 * 60_000
    const sim = await startSimulator({
      db: db(), serverUrl: `http://127.0.0.1:${port}`, units: 100, seed: 'stub', speedUp: 20, startAt: new Date(start),
      citizenReportsPerDay: 50_000, log: pino({ level: 'silent' }),
    })
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
    try {
      await sleep(2500)
      expect(problems).toEqual([])
      const byDevice = () => new Map(types.map((_, i) => {
        const id = `unit-${String(i + 1).padStart(4, '0')}`
        return [id, fixes.filter((f) => f.deviceId === id)]
      }))
      // Every unit reported, over the protocol of its tracker.
      for (const [id, list] of byDevice()) {
        expect(list.length, id).toBeGreaterThan(2)
        const type = types[Number(id.slice(-4)) - 1]
        expect(new Set(list.map((f) => f.source)), id).toEqual(new Set([['patrol_police', 'traffic_police', 'special_police'].includes(type) ? 'osmand' : 'owntracks']))
      }
      expect(reports.length).toBeGreaterThan(0)

      // Busy: the server asks for a second's pause; afterwards the simulator resumes by itself.
      mode = 'busy'
      await sleep(1500)
      const busy = arrivals.filter((a) => a.mode === 'busy')
      const first = busy[0].at
      // What was in flight, then at most a few probes: no hammering.
      expect(busy.filter((a) => a.at > first + 200).length).toBeLessThanOrEqual(3)
      mode = 'ok'
      const before = fixes.length
      await sleep(2000)
      expect(fixes.length).toBeGreaterThan(before + 10)

      // Gone: connections refused for two seconds, then the server is back on the same port.
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      const duringOutage = arrivals.length
      await sleep(2000)
      expect(arrivals.length).toBe(duringOutage)
      server = createServer(handler)
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
      const afterRestart = fixes.length
      await sleep(5000)
      expect(fixes.length).toBeGreaterThan(afterRestart + 10)
      expect(problems).toEqual([])

      // Per device, no fix lost or sent twice that the buffer could hold, and time only moves forward.
      for (const [id, list] of byDevice()) {
        const times = list.map((f) => f.deviceTime.getTime())
        expect(new Set(times).size, id).toBe(times.length)
        expect([...times].sort((a, b) => a - b), id).toEqual(times)
      }
      const stats = sim.stats()
      expect(stats.units).toBe(types.length)
      expect(stats.onDuty).toBe(types.length)
      expect(stats.positions.osmand.retried + stats.positions.owntracksHttp.retried).toBeGreaterThan(0)
    } finally {
      await sim.stop()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../testing/demo-server.ts'

describe('read API and its OpenAPI document', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  const get = (path: string) => fetch(server.url + path, { headers: server.headers })
  beforeAll(async () => {
    server = await startDemoServer()
  })
  afterAll(() => server?.stop())

  it('documents every route it serves, and serves every route it documents', async () => {
    const doc = (await (await get('/api/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(doc.openapi).toBe('3.1.0')
    for (const path of ['/api/v1/grids', '/api/v1/units', '/api/v1/units/{id}/track', '/api/v1/positions', '/ingest/osmand', '/ingest/owntracks']) {
      expect(Object.keys(doc.paths)).toContain(path)
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!('get' in ops)) continue
      const res = await get(path.replace('{id}', 'unit-0001'))
      // A missing thing may be 404; a missing route may not.
      const text = await res.text()
      expect(text, path).not.toMatch(/no route for/)
    }
  })

  it("returns a unit's track in a window, and says what is wrong with a bad one", async () => {
    const t = Date.now() - 120_000
    const batch = [0, 1, 2].map((i) => ({ deviceId: 'unit-0002', time: new Date(t + i * 10_000).toISOString(), lat: -34.9055, lon: -56.19 + i * 0.0005 }))
    await fetch(`${server.url}/api/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.headers }, body: JSON.stringify(batch) })
    const track = (await (await get('/api/v1/units/unit-0002/track')).json()) as { features: { geometry: { coordinates: number[] }; properties: { verdict: string } }[] }
    expect(track.features.map((f) => f.geometry.coordinates[0])).toEqual([-56.19, -56.1895, -56.189])

    expect((await get('/api/v1/units/nobody/track')).status).toBe(404)
    const bad = await get('/api/v1/units/unit-0002/track?from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z')
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { error: { details: { path: string; message: string }[] } }
    expect(body.error.details[0]).toMatchObject({ path: 'query.to', message: expect.stringMatching(/24 hours/) })
  })

  it('reports readiness with each dependency and the freshness of each feed', async () => {
    const res = await get('/readyz')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { checks: Record<string, { ok: boolean }>; feeds: { feed: string; ok: number; rejected: number }[] }
    expect(body.checks.database.ok).toBe(true)
    const bulk = body.feeds.find((f) => f.feed === 'positions-bulk')!
    expect(bulk.ok).toBeGreaterThan(0)
    await fetch(`${server.url}/api/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.headers }, body: '[]' })
    const after = (await (await get('/readyz')).json()) as typeof body
    expect(after.feeds.find((f) => f.feed === 'positions-bulk')!.rejected).toBe(bulk.rejected + 1)
  })

  it('lists units as GeoJSON with the age of each fix', async () => {
    const fc = (await (await get('/api/v1/units')).json()) as { features: { id: string; geometry: unknown; properties: { fixAgeS: number | null } }[] }
    expect(fc.features).toHaveLength(40)
    const moved = fc.features.find((f) => f.id === 'unit-0002')!
    expect(moved.properties.fixAgeS).toBeGreaterThan(0)
    expect((await get('/api/v1/units?bbox=1,2,3')).status).toBe(400)
  })
})

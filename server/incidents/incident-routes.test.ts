import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { FIXTURE_GRIDS } from '../testing/tracking-fixture.ts'
import type { IncidentFeature } from '../../geo/ingest/incident-report.ts'
import { startIncidentServer, type IncidentTestServer } from './incident-test-server.ts'
import { incidentSnapshot } from './incident-store.ts'
import { testPrincipal } from '../testing/test-users.ts'
import { fromIncidentEntry } from '../../geo/ingest/incident-report.ts'

const entry = { categoryCode: 'EV-0101', lon: -56.1631, lat: -34.9064, description: '井盖缺失', address: 'Avenida 18 de Julio 1200' }

describeBackends('incidents API', ({ db }) => {
  let s: IncidentTestServer
  const count = async (table: string) => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${s.base}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const get = (path: string) => fetch(`${s.base}${path}`)

  /** Sends a bad request and checks the 400, the path of each problem, and that nothing was written. */
  async function rejects(res: Promise<Response>, paths: string[], status = 400): Promise<void> {
    const before = [await count('incident'), await count('case_event')]
    const r = await res
    const body = (await r.json()) as { error: { details?: Array<{ path: string }> } }
    expect(r.status).toBe(status)
    expect((body.error.details ?? []).map((d) => d.path).sort()).toEqual([...paths].sort())
    expect([await count('incident'), await count('case_event')]).toEqual(before)
  }

  beforeAll(async () => {
    s = await startIncidentServer(db())
  })
  afterAll(async () => {
    await s.close()
  })

  let first: IncidentFeature

  it('files an operator entry with its grid, the category priority and filing deadline, and its first case event', async () => {
    const res = await post({ ...entry, reporter: { name: 'Li', phone: '+598 99 123 456' }, mediaUrls: ['https://example.org/a.jpg'] })
    expect(res.status).toBe(201)
    first = (await res.json()) as IncidentFeature
    expect(res.headers.get('location')).toBe(`/api/v1/incidents/${first.id}`)
    expect(first).toMatchObject({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [-56.1631, -34.9064] },
      properties: {
        source: 'operator', categoryCode: 'EV-0101', priority: 1, state: 'reported', description: '井盖缺失',
        address: 'Avenida 18 de Julio 1200', mediaUrls: ['https://example.org/a.jpg'], gridCode: FIXTURE_GRIDS.east,
        filedAt: null, closedAt: null, reopenCount: 0,
      },
    })
    // EV-0101 must be filed within 15 minutes of the report.
    const p = first.properties
    expect(Date.parse(p.deadlineAt!) - Date.parse(p.reportedAt)).toBe(15 * 60_000)
    expect(Math.abs(Date.parse(p.reportedAt) - Date.now())).toBeLessThan(60_000)
    // The contact details are stored apart and never come back.
    expect(JSON.stringify(first)).not.toMatch(/598|"Li"|reporter/)
    const stored = await db().query<{ reporter: unknown; source_id: string | null }>('SELECT reporter, source_id FROM incident WHERE id = $1', [first.id])
    expect(stored.rows[0]).toEqual({ reporter: { name: 'Li', phone: '+598 99 123 456' }, source_id: null })
    const events = await db().query('SELECT step, from_state, to_state, attributes FROM case_event WHERE incident_id = $1', [first.id])
    expect(events.rows).toEqual([{ step: 'collect', from_state: null, to_state: 'reported', attributes: { channel: 'api', source: 'operator' } }])
    expect(s.published).toEqual([{ gridCode: FIXTURE_GRIDS.east, event: { kind: 'created', incident: first } }])
  })

  it('answers the same Idempotency-Key with the incident it made: 200, no second row, no second announcement', async () => {
    const key = { 'Idempotency-Key': 'call-2026-11-23-0001' }
    const a = await post({ ...entry, source: 'citizen', reportedAt: '2026-11-23T08:00:00-03:00' }, key)
    expect(a.status).toBe(201)
    const made = (await a.json()) as IncidentFeature
    expect(made.properties).toMatchObject({ source: 'citizen', reportedAt: '2026-11-23T11:00:00.000Z', deadlineAt: '2026-11-23T11:15:00.000Z' })
    const rows = await count('incident')
    const published = s.published.length
    const b = await post({ ...entry, source: 'citizen', reportedAt: '2026-11-23T08:00:00-03:00' }, key)
    expect(b.status).toBe(200)
    expect(await b.json()).toEqual(made)
    // Racing repeats of a new key still make one incident.
    const racing = await Promise.all([1, 2, 3].map(() => post(entry, { 'Idempotency-Key': 'race-1' })))
    const ids = new Set(await Promise.all(racing.map(async (r) => ((await r.json()) as IncidentFeature).id)))
    expect(ids.size).toBe(1)
    expect(racing.map((r) => r.status).sort()).toEqual([200, 200, 201])
    expect(await count('incident')).toBe(rows + 1)
    expect(s.published.length).toBe(published + 1)
    expect(await count(`case_event WHERE incident_id = ${[...ids][0]}`)).toBe(1)
  })

  it('keeps a report outside every grid, with no grid (it goes to the city room)', async () => {
    const res = await post({ ...entry, lon: -55.5, lat: -34.5 })
    expect(res.status).toBe(201)
    expect(((await res.json()) as IncidentFeature).properties.gridCode).toBeNull()
    expect(s.published.at(-1)!.gridCode).toBeNull()
  })

  it('refuses a report outside the jurisdiction of who sends it, and writes nothing', async () => {
    const report = (lon: number) => fromIncidentEntry({ ...entry, lon }, { idempotencyKey: null, now: new Date() })
    const westOnly = testPrincipal('grid_worker', [FIXTURE_GRIDS.west])
    const before = [await count('incident'), await count('case_event')]
    for (const lon of [entry.lon, -55.5]) {
      await expect(s.intake.submit(report(lon), { channel: 'api', actor: 'w', jurisdiction: westOnly })).rejects.toMatchObject({
        status: 403, code: 'outside_jurisdiction',
      })
    }
    expect([await count('incident'), await count('case_event')]).toEqual(before)
    const eastOnly = testPrincipal('grid_worker', [FIXTURE_GRIDS.east])
    const { created } = await s.intake.submit(report(entry.lon), { channel: 'api', actor: 'e', jurisdiction: eastOnly })
    expect(created).toBe(true)
  })

  it('rejects a bad body naming each field, and writes nothing', async () => {
    await rejects(post({ categoryCode: 'EV-01', lon: 181, lat: -34.9, mediaUrls: ['javascript:alert(1)'] }), [
      'body.categoryCode', 'body.lon', 'body.mediaUrls.0',
    ])
    await rejects(post({ ...entry, reporter: { phone: 'ring' } }), ['body.reporter.phone'])
    await rejects(post({ ...entry, lon: 0, lat: 0 }), ['body.lat'])
    await rejects(post({ ...entry, reportedAt: '2099-01-01T00:00:00Z' }), ['body.reportedAt'])
    await rejects(post({ ...entry, extra: true }), ['body'])
    await rejects(post([entry]), ['body'])
  })

  it('rejects a category that is not in the catalogue, and writes nothing', async () => {
    await rejects(post({ ...entry, categoryCode: 'EV-9999' }), ['body.categoryCode'])
    await db().query(`UPDATE category SET active = false WHERE code = 'EV-0706'`)
    await rejects(post({ ...entry, categoryCode: 'EV-0706' }), ['body.categoryCode'])
  })

  it('rejects a bad Idempotency-Key, malformed JSON and a body that is not JSON', async () => {
    await rejects(post(entry, { 'Idempotency-Key': 'has spaces in it' }), ['headers.idempotency-key'])
    await rejects(post('{"categoryCode": '), [])
    await rejects(
      fetch(`${s.base}/api/v1/incidents`, { method: 'POST', body: new URLSearchParams({ categoryCode: 'EV-0101' }) }),
      [],
      415,
    )
  })

  it('reads one incident, never with the reporter, and 404/400 for a missing or malformed id', async () => {
    const res = await get(`/api/v1/incidents/${first.id}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(first)
    const missing = await get('/api/v1/incidents/999999')
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found')
    await rejects(get('/api/v1/incidents/abc'), ['params.id'])
  })

  it('pages the list by id with a cursor, and filters by time, state, bbox and area', async () => {
    await db().query(
      `INSERT INTO incident (source, category_code, priority, state, geom, grid_code, reported_at, closed_at, reporter)
       SELECT 'patrol', 'EV-0102', 2, CASE WHEN n % 2 = 0 THEN 'closed' ELSE 'filed' END,
              ST_SetSRID(ST_MakePoint(-56.2 + n * 0.001, -34.9), 4326), $1, timestamptz '2026-01-01T00:00:00Z' + n * interval '1 day',
              CASE WHEN n % 2 = 0 THEN timestamptz '2026-02-01T00:00:00Z' END, '{"name": "Secret Person"}'
       FROM generate_series(1, 7) n`,
      [FIXTURE_GRIDS.west],
    )
    const total = await count('incident')
    const seen: IncidentFeature[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await get(`/api/v1/incidents?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.status).toBe(200)
      const page = (await res.json()) as { type: string; features: IncidentFeature[]; next: string | null }
      expect(page.type).toBe('FeatureCollection')
      expect(JSON.stringify(page)).not.toMatch(/Secret Person|reporter|598/)
      seen.push(...page.features)
      cursor = page.next
      pages++
    } while (cursor !== null)
    expect(seen.length).toBe(total)
    expect(pages).toBe(Math.ceil(total / 4))
    expect(seen.map((f) => f.id)).toEqual([...seen.map((f) => f.id)].sort((a, b) => a - b))

    const ids = async (query: string) =>
      ((await (await get(`/api/v1/incidents?${query}`)).json()) as { features: IncidentFeature[] }).features.map((f) => f.properties)
    expect((await ids('state=closed')).map((p) => p.state)).toEqual(['closed', 'closed', 'closed'])
    expect((await ids('state=closed,filed&area=999001001001001')).length).toBe(7)
    expect((await ids('since=2026-01-06T00:00:00Z&state=filed,closed')).map((p) => p.reportedAt)).toEqual([
      '2026-01-06T00:00:00.000Z', '2026-01-07T00:00:00.000Z', '2026-01-08T00:00:00.000Z',
    ])
    expect((await ids('bbox=-56.1985,-34.91,-56.1955,-34.89')).length).toBe(3)
    expect(await ids(`area=${FIXTURE_GRIDS.east}&state=reported`)).toHaveLength(await count(`incident WHERE grid_code = '${FIXTURE_GRIDS.east}'`))
  })

  it('rejects bad list parameters naming each one', async () => {
    await rejects(get('/api/v1/incidents?state=open'), ['query.state.0'])
    await rejects(get('/api/v1/incidents?bbox=1,2,3'), ['query.bbox'])
    await rejects(get('/api/v1/incidents?limit=0&cursor=x'), ['query.limit', 'query.cursor'])
    await rejects(get('/api/v1/incidents?limit=1001'), ['query.limit'])
    await rejects(get('/api/v1/incidents?since=yesterday&area=north'), ['query.since', 'query.area'])
  })

  it('snapshots the open incidents under an area; the city also gets those outside every grid', async () => {
    const snapshot = incidentSnapshot(db(), '999001')
    const west = await snapshot(FIXTURE_GRIDS.west)
    expect(west.map((f) => f.properties.state)).toEqual(['filed', 'filed', 'filed', 'filed'])
    expect(west.every((f) => f.properties.gridCode === FIXTURE_GRIDS.west)).toBe(true)
    const city = await snapshot('999001')
    const open = await count('incident WHERE closed_at IS NULL')
    expect(city).toHaveLength(open)
    expect(city.some((f) => f.properties.gridCode === null)).toBe(true)
    expect((await snapshot('999001001')).every((f) => f.properties.gridCode !== null)).toBe(true)
    expect(JSON.stringify(city)).not.toMatch(/Secret Person|reporter/)
  })
})

import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { FIXTURE_GRIDS } from '../testing/tracking-fixture.ts'
import type { Open311Request } from '../../geo/ingest/parse-open311.ts'
import { startIncidentServer, type IncidentTestServer } from './incident-test-server.ts'
import { fingerprintClients } from './open311-routes.ts'

const SAMPLE = readFileSync(new URL('../../geo/ingest/fixtures/open311-post.txt', import.meta.url), 'utf8').trim()
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const V2 = '/open311/v2'

describeBackends('Open311 GeoReport v2', ({ db }) => {
  let s: IncidentTestServer
  const count = async (table: string) => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.base}${V2}${path}`, { headers })
  const postForm = (body: string, path = '/requests.json', headers: Record<string, string> = {}) =>
    fetch(`${s.base}${V2}${path}`, { method: 'POST', headers: { ...FORM, ...headers }, body })
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
  const base = { api_key: 'app-key-1', service_code: 'EV-0102', lat: '-34.9', long: '-56.2' }

  /** Checks Open311's error format, the problems named, and that nothing was written. */
  async function rejects(res: Promise<Response>, status: number, descriptions: RegExp[]): Promise<void> {
    const before = [await count('incident'), await count('case_event')]
    const r = await res
    expect(r.status).toBe(status)
    const body = (await r.json()) as Array<{ code: number; description: string }>
    expect(Array.isArray(body)).toBe(true)
    expect(body.every((e) => e.code === status && Object.keys(e).sort().join() === 'code,description')).toBe(true)
    expect(body).toHaveLength(descriptions.length)
    descriptions.forEach((d, i) => expect(body[i].description).toMatch(d))
    expect([await count('incident'), await count('case_event')]).toEqual(before)
  }

  beforeAll(async () => {
    // One key belongs to the grid workers' app; everything else is a citizen's client.
    s = await startIncidentServer(db(), (key) => (key === 'grid-app' ? { id: 'grid-app', source: 'grid_worker' } : fingerprintClients(key)))
  })
  afterAll(async () => {
    await s.close()
  })

  it('lists the active catalogue as services, in Chinese by default and in English on request', async () => {
    const zh = (await (await get('/services.json')).json()) as Array<Record<string, unknown>>
    expect(zh).toHaveLength(60)
    expect(zh.find((x) => x.service_code === 'EV-0101')).toEqual({
      service_code: 'EV-0101', service_name: '井盖缺失', description: '井盖缺失', metadata: false, type: 'realtime',
      keywords: 'Missing or broken manhole cover', group: '事件',
    })
    const en = (await (await get('/services.json', { 'Accept-Language': 'fr-FR, en-GB;q=0.8, zh;q=0.5' })).json()) as Array<Record<string, unknown>>
    expect(en.find((x) => x.service_code === 'PT-0101')).toMatchObject({ service_name: 'Water supply manhole cover', group: 'Parts (fixed objects)' })
    const param = (await (await get('/services.json?locale=en_US&jurisdiction_id=demo-city', { 'Accept-Language': 'zh-CN' })).json()) as Array<Record<string, unknown>>
    expect(param[0].service_name).toBe(en[0].service_name)
  })

  it('accepts the sample POST unchanged and answers with the Open311 array', async () => {
    const res = await postForm(SAMPLE)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Array<{ service_request_id: string; service_notice: string; account_id: null }>
    expect(body).toEqual([{ service_request_id: expect.stringMatching(/^\d+$/), service_notice: expect.stringMatching(/15分钟/), account_id: null }])
    const id = Number(body[0].service_request_id)
    const row = await db().query<Record<string, unknown>>(
      `SELECT source, source_id, category_code, priority, state, description, address, media_urls, grid_code, reporter FROM incident WHERE id = $1`,
      [id],
    )
    expect(row.rows[0]).toEqual({
      source: 'citizen', source_id: null, category_code: 'EV-0101', priority: 1, state: 'reported', description: '井盖缺失，有行人跌倒风险',
      address: 'Avenida 18 de Julio 1200', media_urls: ['https://example.org/photo.jpg'], grid_code: FIXTURE_GRIDS.east,
      // The name the reporter gave, and not the email.
      reporter: { name: 'Li' },
    })
    // The client is recorded, by a fingerprint of its key (the sample sends none), with the jurisdiction it named.
    const ev = await db().query<{ actor: string; attributes: Record<string, unknown> }>('SELECT actor, attributes FROM case_event WHERE incident_id = $1', [id])
    expect(ev.rows).toEqual([{ actor: 'open311', attributes: { channel: 'open311', source: 'citizen', client: null, jurisdictionId: 'demo-city' } }])
    expect(s.published.at(-1)).toMatchObject({ gridCode: FIXTURE_GRIDS.east, event: { kind: 'created', incident: { id } } })
  })

  it('records which client reported, and the grid workers\' app as grid-worker reports', async () => {
    const a = (await (await postForm(form(base), '/requests.json', { 'Accept-Language': 'en' })).json()) as Array<{ service_request_id: string; service_notice: string }>
    expect(a[0].service_notice).toBe(`Received as request ${a[0].service_request_id}. It will be reviewed and filed within 30 minutes.`)
    const ev = await db().query<{ actor: string }>('SELECT actor FROM case_event WHERE incident_id = $1', [Number(a[0].service_request_id)])
    // A fingerprint of the key, never the key itself.
    expect(ev.rows[0].actor).toMatch(/^open311:key-[0-9a-f]{16}$/)
    expect(ev.rows[0].actor).toBe(`open311:${fingerprintClients('app-key-1').id}`)

    // JSON bodies are read too, and the key may come in the query string.
    const b = await fetch(`${s.base}${V2}/requests.json?api_key=grid-app`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...base, api_key: undefined, lat: -34.9, long: -56.2 }),
    })
    expect(b.status).toBe(200)
    const id = Number(((await b.json()) as Array<{ service_request_id: string }>)[0].service_request_id)
    const row = await db().query<{ source: string; actor: string }>(
      'SELECT i.source, e.actor FROM incident i JOIN case_event e ON e.incident_id = i.id WHERE i.id = $1', [id],
    )
    expect(row.rows[0]).toEqual({ source: 'grid_worker', actor: 'open311:grid-app' })
  })

  it('rejects bad requests in Open311 error format, naming each parameter, writing nothing', async () => {
    await rejects(postForm(form({ service_code: 'EV-0101', address_string: 'Avenida 18 de Julio 1200' })), 400, [
      /^lat: required \(addresses cannot be located/, /^long: required/,
    ])
    await rejects(postForm(form({ ...base, service_code: '', lat: 'north', media_url: 'ftp://x/y' })), 400, [/^service_code: required/, /^lat: not a number/])
    await rejects(postForm(form({ ...base, media_url: 'ftp://x/y', phone: 'ring' })), 400, [/^media_url: /, /^phone: /])
    await rejects(postForm(form({ ...base, locale: 'fr', jurisdiction_id: 'x'.repeat(101) })), 400, [/^locale: /, /^jurisdiction_id: /])
    await rejects(postForm(`${form(base)}&service_code=EV-0101`), 400, [/^service_code: given more than once/])
  })

  it('rejects an unknown or inactive service code, writing nothing', async () => {
    await rejects(postForm(form({ ...base, service_code: 'EV-0999' })), 400, [/^service_code: unknown service EV-0999/])
    await db().query(`UPDATE category SET active = false WHERE code = 'EV-0706'`)
    await rejects(postForm(form({ ...base, service_code: 'EV-0706' })), 400, [/^service_code: unknown service/])
    expect(((await (await get('/services.json')).json()) as unknown[]).length).toBe(59)
  })

  it('refuses XML, a missing format and malformed bodies in Open311 error format', async () => {
    await rejects(get('/services.xml'), 400, [/^XML is not supported: use services\.json/])
    await rejects(postForm(SAMPLE, '/requests.xml'), 400, [/^XML is not supported: use requests\.json/])
    await rejects(get('/requests/1.xml'), 400, [/^XML is not supported/])
    await rejects(get('/requests.csv'), 400, [/^format "csv" is not supported/])
    await rejects(get('/services'), 400, [/^add the format: services\.json/])
    await rejects(
      fetch(`${s.base}${V2}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"service_code":' }),
      400,
      [/^malformed request body/],
    )
    await rejects(postForm(`description=${'x'.repeat(70_000)}`), 413, [/too large/])
    await rejects(get('/discovery.json'), 404, [/^no Open311 resource for GET/])
    await rejects(fetch(`${s.base}${V2}/services.json`, { method: 'DELETE' }), 404, [/^no Open311 resource for DELETE/])
  })

  it('shows citizens\' and grid workers\' requests with status derived from the case state, never contact details', async () => {
    // A closed citizen case with a department, and a patrol's incident that Open311 must not show.
    const ins = await db().query<{ id: number }>(
      `INSERT INTO incident (source, category_code, priority, state, description, geom, grid_code, reported_at, filed_at, closed_at,
                             department_code, reporter)
       VALUES ('citizen', 'EV-0102', 2, 'closed', 'pothole', ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), $1,
               now() - interval '3 days', now() - interval '3 days' + interval '10 minutes', now() - interval '1 day', 'MUNICIPAL',
               '{"name": "Secret Person", "phone": "5550100"}'),
              ('patrol', 'EV-0102', 2, 'reported', 'internal', ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), $1, now(), NULL, NULL, NULL, NULL)
       RETURNING id`,
      [FIXTURE_GRIDS.west],
    )
    const [closedId, patrolId] = ins.rows.map((r) => r.id)
    const all = (await (await get('/requests.json')).json()) as Open311Request[]
    expect(all.map((r) => Number(r.service_request_id))).not.toContain(patrolId)
    expect(all).toHaveLength(await count(`incident WHERE source IN ('citizen', 'grid_worker')`))
    expect(JSON.stringify(all)).not.toMatch(/Secret Person|5550100|"Li"|resident@|reporter|email/)
    const closed = all.find((r) => Number(r.service_request_id) === closedId)!
    expect(closed).toMatchObject({
      status: 'closed', status_notes: '已结案', service_name: '道路破损', service_code: 'EV-0102', description: 'pothole', lat: -34.9, long: -56.2,
      media_url: null, expected_datetime: null,
    })
    expect(closed.agency_responsible).toEqual(expect.any(String))
    expect(Date.parse(closed.updated_datetime) - Date.parse(closed.requested_datetime)).toBe(2 * 86_400_000)
    // Newest first.
    expect(all.map((r) => r.requested_datetime)).toEqual([...all.map((r) => r.requested_datetime)].sort().reverse())

    const q = async (query: string) => ((await (await get(`/requests.json?${query}`)).json()) as Open311Request[])
    expect((await q('status=closed')).map((r) => Number(r.service_request_id))).toEqual([closedId])
    expect((await q('status=open')).every((r) => r.status === 'open')).toBe(true)
    expect((await q('status=open,closed')).length).toBe(all.length)
    expect((await q('service_code=EV-0101')).map((r) => r.service_code)).toEqual(['EV-0101'])
    expect((await q(`start_date=${new Date(Date.now() - 86_400_000).toISOString()}`)).map((r) => Number(r.service_request_id))).not.toContain(closedId)
    // Ids override the other filters; a patrol incident is not an Open311 request.
    expect((await q(`service_request_id=${closedId},${patrolId}&status=open&locale=en`)).map((r) => [r.service_request_id, r.status_notes])).toEqual([
      [String(closedId), 'Closed'],
    ])

    const one = await get(`/requests/${closedId}.json?locale=en`)
    expect(one.status).toBe(200)
    expect(((await one.json()) as Open311Request[]).map((r) => r.service_name)).toEqual(['Road damage / pothole'])
  })

  it('answers 404 for a request that is not there or not public, and 400 for bad filters, in Open311 format', async () => {
    await rejects(get('/requests/999999.json'), 404, [/^no service request 999999/])
    await rejects(get('/requests/abc.json'), 400, [/^service_request_id: expected a numeric request id, not "abc"/])
    const patrol = await db().query<{ id: number }>(`SELECT id FROM incident WHERE source = 'patrol' LIMIT 1`)
    await rejects(get(`/requests/${patrol.rows[0].id}.json`), 404, [/^no service request/])
    await rejects(get('/requests.json?status=pending'), 400, [/^status\.0: /])
    await rejects(get('/requests.json?start_date=2026-01-01&service_request_id=1,x'), 400, [/^service_request_id\.1: /, /^start_date: /])
    await rejects(get('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z'), 400, [/^end_date: the span may not exceed 90 days/])
    await rejects(get('/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z'), 400, [/^start_date: after end_date/])
    await rejects(get('/services.json?locale=de'), 400, [/^locale: expected one of zh, en/])
  })
})

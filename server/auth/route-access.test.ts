import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../testing/demo-server.ts'
import { documentedRoutes, type RouteDoc } from '../http/api-docs.ts'
import { LIVE_NAMESPACE } from '../live/live-hub.ts'
import { ROLES, type Role } from './principal.ts'
import { signedHeaders } from '../alerts/webhook-signature.ts'
import { deviceBasicAuth, issueDeviceKey } from './device-keys.ts'
import { bodyFields, withField } from './schema-fields.ts'
import { PLACEHOLDER_QUERIES, ROUTE_EXAMPLES } from './route-examples.ts'

/*
 * Access tests generated from the route table: every documented route, including the ones added after this file
 * was written, is tried without a session, with each role it does not allow, and from another jurisdiction; every
 * body route with SQL-injection strings and an oversize body. A route that declares neither `roles` nor `access`
 * fails here by name.
 */

const SERVER_DIR = fileURLToPath(new URL('../', import.meta.url))

/** Every module that documents routes, so routers not (yet) mounted in the app are in the table too. */
async function importEveryRouter(): Promise<void> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === 'testing' ? [] : walk(join(dir, e.name))) : [join(dir, e.name)],
    )
  const modules = walk(SERVER_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && /documentRoute\(/.test(readFileSync(f, 'utf8')))
  for (const m of modules) await import(/* @vite-ignore */ `../${relative(SERVER_DIR, m)}`)
}

const INJECTIONS = ["' OR '1'='1", "'; DROP TABLE incident; --", '1) UNION SELECT password_hash FROM app_user --', "\\'; SELECT pg_sleep(5); --"]
const TABLES = ['incident', 'app_user', 'audit_log', 'unit', 'camera', 'device', 'auth_session']
const WEBHOOK_SECRET = 'route-access-test-secret'
/** Stands for a JSON number too large for a double (JSON.parse reads it as Infinity); no JSON value can say NaN. */
const HUGE = '__1e999__'
const BAD_GEOJSON = [{ type: 'Point', coordinates: [-56.1] }, { type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] }, { type: 'Point', coordinates: ['x', 'y'] }]
const BAD_COORDINATES: unknown[] = ['NaN', null, HUGE, 1000, -1000, 'x', '', [-56.16, -34.9], { $gt: 0 }, ...BAD_GEOJSON]
const BAD_FORM_COORDINATES = ['NaN', 'Infinity', '0x10', '1e999', '1000', '-1000', 'x', '', JSON.stringify(BAD_GEOJSON[0])]

const label = (r: RouteDoc) => `${r.method.toUpperCase()} ${r.path}`
const concrete = (path: string, id = '1') => path.replace(/\{[^}]+\}/g, id)
const isCityWide = (role: Role) => role === 'admin' || role === 'auditor'

describe('access control generated from the route table', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let routes: RouteDoc[]
  const tokens = new Map<string, string>()
  let street = ''
  let foreignStreet = ''

  /** A token for a role, city-wide or confined to `street`, with the restricted tracks layer. */
  const tokenFor = async (role: Role, scoped = false): Promise<string> => {
    const key = `${role}:${scoped}`
    if (!tokens.has(key)) {
      const u = await server.user({ role, areas: scoped ? [street] : isCityWide(role) ? [] : [street.slice(0, 6)], layers: ['tracks'] })
      tokens.set(key, u.token)
    }
    return tokens.get(key)!
  }
  const call = (r: RouteDoc, init: { token?: string; path?: string; body?: string; headers?: Record<string, string> } = {}) =>
    fetch(server.url + (init.path ?? concrete(r.path)), {
      method: r.method.toUpperCase(),
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(r.method === 'get' ? {} : { 'content-type': r.bodyType ?? 'application/json' }),
        ...init.headers,
      },
      body: r.method === 'get' ? undefined : (init.body ?? (r.bodyType === 'application/x-www-form-urlencoded' ? '' : '{}')),
    })
  const counts = async () => {
    const out: Record<string, number> = {}
    for (const t of TABLES) out[t] = (await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n
    return out
  }

  const bodyRoutes = () => routes.filter((r) => r.method !== 'get' && r.body)
  let unique = 0
  let deviceKey = ''
  /** A body with its placeholders (see route-examples.ts) filled in. */
  const fill = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(fill))
    if (value && typeof value === 'object') {
      return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await fill(v)])))
    }
    if (typeof value !== 'string' || !value.includes('{')) return value
    if (value === '{nowSeconds}') return Math.floor(Date.now() / 1000)
    let out = value
    for (const [name, sql] of Object.entries(PLACEHOLDER_QUERIES)) {
      if (out.includes(`{${name}}`)) out = out.replaceAll(`{${name}}`, await firstValue(sql))
    }
    return out.replaceAll('{unique}', String(++unique)).replaceAll('{now}', new Date().toISOString()).replaceAll('{adminPassword}', server.adminPassword)
  }
  const firstValue = async (sql: string) => String(Object.values((await server.db.query<Record<string, unknown>>(sql)).rows[0] ?? { none: 'none' })[0])
  /** Sends a body to a route as its caller would: admin (or its first role), device key, signature or nobody. */
  /** Creates the users the examples send as, so they are not counted as rows a request wrote. */
  const exampleCallersReady = async () => {
    for (const e of [{ role: 'admin' as Role }, ...Object.values(ROUTE_EXAMPLES)]) if (e.role) await tokenFor(e.role)
  }
  const sendExample = async (r: RouteDoc, body: unknown) => {
    const example = ROUTE_EXAMPLES[label(r)]
    let path = r.path
    for (const [name, value] of Object.entries(example.params ?? {})) {
      path = path.replace(`{${name}}`, encodeURIComponent(/^(SELECT|INSERT) /i.test(value) ? await firstValue(value) : value))
    }
    const filled = await fill(body)
    const form = r.bodyType === 'application/x-www-form-urlencoded'
    const payload = form ? formEncode(filled as Record<string, unknown>) : JSON.stringify(filled).replaceAll(`"${HUGE}"`, '1e999')
    const device = await fill('{device}')
    const headers: Record<string, string> =
      r.access === 'device-key' ? deviceBasicAuth(device as string, deviceKey)
        : r.access === 'signature' ? signedHeaders(WEBHOOK_SECRET, payload)
          : {}
    const role = r.roles ? (example.role ?? (r.roles.includes('admin') ? 'admin' : r.roles[0])) : null
    const res = await call(r, { token: role ? await tokenFor(role) : undefined, path, body: payload, headers })
    const text = await res.text()
    let json: unknown = null
    try {
      json = JSON.parse(text)
    } catch {
      // Not JSON: isErrorAnswer says so.
    }
    return { status: res.status, text, json }
  }

  beforeAll(async () => {
    await importEveryRouter()
    server = await startDemoServer('pglite', { WEBHOOK_SECRET })
    routes = [...documentedRoutes()]
    const busiest = await server.db.query<{ s: string }>(
      `SELECT left(grid_code, 9) AS s FROM incident WHERE grid_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 2`,
    )
    ;[street, foreignStreet] = busiest.rows.map((r) => r.s)
    deviceKey = await issueDeviceKey(server.db, await firstValue(PLACEHOLDER_QUERIES.device))
  })
  afterAll(() => server?.stop())

  it('every documented route says who may call it (roles) or what protects it instead (access)', () => {
    expect(routes.length).toBeGreaterThan(15)
    const undeclared = routes.filter((r) => !r.roles && !r.access).map(label)
    expect(undeclared, `routes without roles or access: ${undeclared.join(', ')}`).toEqual([])
  })

  it('answers 401 to every route without a session (or device key, or signature)', async () => {
    const wrong: string[] = []
    for (const r of routes) {
      if (r.access === 'public') {
        const res = await call(r)
        if (res.status === 401 || res.status === 403 || res.status >= 500) wrong.push(`${label(r)} (public) -> ${res.status}`)
        continue
      }
      const res = await call(r, { headers: { cookie: 'gw_session=gw_not-a-session' } })
      if (res.status !== 401) wrong.push(`${label(r)} -> ${res.status}`)
    }
    expect(wrong).toEqual([])
  })

  it('answers 403 to every role a route does not list', async () => {
    const wrong: string[] = []
    for (const r of routes.filter((x) => x.roles)) {
      for (const role of ROLES.filter((x) => !r.roles!.includes(x))) {
        const res = await call(r, { token: await tokenFor(role) })
        if (res.status !== 403) wrong.push(`${label(r)} as ${role} -> ${res.status}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it("shows a street's user no row of another street, and answers 404 for a foreign row by id", async () => {
    expect(street && foreignStreet).toBeTruthy()
    const admin = await tokenFor('admin')
    const leaks: string[] = []
    const probed: string[] = []
    for (const r of routes.filter((x) => x.method === 'get' && x.roles)) {
      const role = r.roles!.find((x) => !isCityWide(x))
      if (!role) continue
      const token = await tokenFor(role, true)
      const id = /\/\{(\w+)\}/.exec(r.path)
      if (!id) {
        const res = await call(r, { token })
        if (!res.headers.get('content-type')?.includes('json')) continue
        for (const code of gridCodesIn(await res.json())) {
          if (!code.startsWith(street) && !street.startsWith(code)) leaks.push(`${label(r)} shows ${code}`)
        }
        continue
      }
      // A row by id: find one in another street through the collection it belongs to.
      const parent = r.path.slice(0, id.index)
      if (!routes.some((x) => x.method === 'get' && x.path === parent)) continue
      const list = await fetch(`${server.url}${parent}`, { headers: { authorization: `Bearer ${admin}` } })
      const foreign = itemsIn(await list.json()).find((item) => item.gridCode?.startsWith(foreignStreet))
      if (!foreign) continue
      probed.push(label(r))
      const res = await call(r, { token, path: concrete(r.path, encodeURIComponent(foreign.id)) })
      if (res.status !== 404 && res.status !== 403) leaks.push(`${label(r)} answers ${res.status} for foreign ${foreign.id}`)
    }
    expect(leaks).toEqual([])
    expect(probed).toEqual(expect.arrayContaining(['GET /api/v1/incidents/{id}', 'GET /api/v1/units/{id}/track']))
  })

  it('takes SQL-injection strings in every query field without a 5xx, and writes nothing', async () => {
    const admin = await tokenFor('admin')
    const before = await counts()
    const crashes: string[] = []
    for (const r of routes.filter((x) => x.method === 'get' && (x.roles?.includes('admin') || x.access === 'public'))) {
      const fields = Object.keys((r.query as { shape?: object } | undefined)?.shape ?? {})
      for (const value of INJECTIONS) {
        const q = new URLSearchParams(fields.map((f) => [f, value]))
        const res = await call(r, { token: admin, path: `${concrete(r.path)}?${q}` })
        if (res.status >= 500) crashes.push(`${label(r)} ?${q} -> ${res.status}`)
      }
    }
    expect(crashes).toEqual([])
    expect({ ...(await counts()), audit_log: 0 }).toEqual({ ...before, audit_log: 0 })
  })

  it('has a valid example body for every route that takes one, and accepts it', async () => {
    const missing = bodyRoutes().filter((r) => !ROUTE_EXAMPLES[label(r)]).map(label)
    expect(missing, `add these routes to ROUTE_EXAMPLES in server/auth/route-examples.ts: ${missing.join(', ')}`).toEqual([])
    await exampleCallersReady()
    const before = await counts()
    const expected = { ...before }
    const refused: string[] = []
    for (const r of bodyRoutes()) {
      const example = ROUTE_EXAMPLES[label(r)]
      const res = await sendExample(r, example.body)
      if (res.status >= 300) refused.push(`${label(r)} -> ${res.status} ${res.text.slice(0, 200)}`)
      else for (const [t, n] of Object.entries(example.creates ?? {})) expected[t] += n
    }
    expect(refused).toEqual([])
    expect({ ...(await counts()), audit_log: 0 }).toEqual({ ...expected, audit_log: 0 })
  })

  it('takes SQL-injection strings in every body text field of every route: stored verbatim, or a 4xx JSON error', async () => {
    await exampleCallersReady()
    const before = await counts()
    const expected = { ...before }
    const wrong: string[] = []
    let tried = 0
    for (const r of bodyRoutes()) {
      const example = ROUTE_EXAMPLES[label(r)]
      if (!example) continue
      for (const field of bodyFields(r.body!, example.body).filter((f) => f.kind === 'text')) {
        for (const value of INJECTIONS) {
          tried++
          const where = `${label(r)} ${field.path.join('.')}=${JSON.stringify(value)}`
          const res = await sendExample(r, withField(example.body, field.path, value))
          if (res.status >= 500 || (res.status >= 400 && !isErrorAnswer(res.json))) {
            wrong.push(`${where} -> ${res.status} ${res.text.slice(0, 120)}`)
          } else if (res.status < 300) {
            for (const [t, n] of Object.entries(example.creates ?? {})) expected[t] += n
            if (example.echoes?.includes(field.path.join('.')) && !res.text.includes(JSON.stringify(value))) {
              wrong.push(`${where} -> ${res.status} without the value verbatim: ${res.text.slice(0, 200)}`)
            }
          }
        }
      }
    }
    expect(wrong).toEqual([])
    expect(tried).toBeGreaterThan(200)
    expect({ ...(await counts()), audit_log: 0 }).toEqual({ ...expected, audit_log: 0 })
  })

  it('refuses malformed coordinates and GeoJSON in every body and bbox with a 4xx JSON error, and writes nothing', async () => {
    const admin = await tokenFor('admin')
    await exampleCallersReady()
    const before = await counts()
    const wrong: string[] = []
    const probed = new Set<string>()
    for (const r of bodyRoutes()) {
      const example = ROUTE_EXAMPLES[label(r)]
      if (!example) continue
      for (const field of bodyFields(r.body!, example.body).filter((f) => f.kind !== 'text')) {
        probed.add(label(r))
        const values = r.bodyType === 'application/x-www-form-urlencoded' ? BAD_FORM_COORDINATES : BAD_COORDINATES
        for (const value of values) {
          const res = await sendExample(r, withField(example.body, field.path, value))
          if (res.status < 400 || res.status >= 500 || !isErrorAnswer(res.json)) {
            wrong.push(`${label(r)} ${field.path.join('.')}=${JSON.stringify(value)} -> ${res.status} ${res.text.slice(0, 120)}`)
          }
        }
      }
    }
    for (const r of routes.filter((x) => x.method === 'get' && x.roles?.includes('admin') && (x.query as { shape?: Record<string, unknown> })?.shape?.bbox)) {
      for (const bbox of ['1,2,3', 'a,b,c,d', '-200,0,0,0', '1,2,3,4,5', "0,0,0,0'); DROP TABLE camera; --"]) {
        const res = await call(r, { token: admin, path: `${concrete(r.path)}?bbox=${encodeURIComponent(bbox)}` })
        if (res.status !== 400) wrong.push(`${label(r)} bbox=${bbox} -> ${res.status}`)
      }
    }
    expect(wrong).toEqual([])
    expect([...probed]).toEqual(expect.arrayContaining(['POST /api/v1/incidents', 'POST /open311/v2/requests.json', 'POST /api/v1/positions']))
    expect({ ...(await counts()), audit_log: 0 }).toEqual({ ...before, audit_log: 0 })
  })

  it('refuses an oversize body on every route that takes one with 413, and writes nothing', async () => {
    const before = await counts()
    const filler = 'x'.repeat(5 * 1024 * 1024)
    const wrong: string[] = []
    for (const r of routes.filter((x) => x.method !== 'get' && x.body)) {
      const role = r.roles ? (r.roles.includes('admin') ? 'admin' : r.roles[0]) : null
      const body = r.bodyType === 'application/x-www-form-urlencoded' ? `description=${filler}` : JSON.stringify({ description: filler })
      const res = await call(r, { token: role ? await tokenFor(role) : undefined, body })
      if (res.status !== 413) wrong.push(`${label(r)} -> ${res.status}`)
    }
    expect(wrong).toEqual([])
    expect({ ...(await counts()), audit_log: 0 }).toEqual({ ...before, audit_log: 0 })
  })

  it('audits writes (who, what, status) and every track view', async () => {
    const admin = await tokenFor('admin')
    const res = await fetch(`${server.url}/api/v1/units/unit-0001/track`, { headers: { authorization: `Bearer ${admin}` } })
    expect(res.status).toBe(200)
    const analyst = await tokenFor('analyst')
    expect((await fetch(`${server.url}/api/v1/units/unit-0001/track`, { headers: { authorization: `Bearer ${analyst}` } })).status).toBe(403)
    await new Promise((r) => setTimeout(r, 200))
    const views = await server.db.query<{ actor: string; target_id: string }>(`SELECT actor, target_id FROM audit_log WHERE action = 'track.view'`)
    expect(views.rows).toEqual([{ actor: expect.stringMatching(/^admin-/), target_id: 'unit-0001' }])
    const writes = await server.db.query<{ detail: { method: string; status: number } }>(
      `SELECT detail FROM audit_log WHERE action = 'http.write' AND target_type = 'incidents' AND actor LIKE 'admin-%'`,
    )
    expect(writes.rows.some((w) => w.detail.method === 'POST' && w.detail.status === 201)).toBe(true)
    const auditor = await tokenFor('auditor')
    const search = await fetch(`${server.url}/api/v1/audit?action=track.*`, { headers: { authorization: `Bearer ${auditor}` } })
    expect(((await search.json()) as { rows: unknown[] }).rows).toHaveLength(1)
    const verify = await fetch(`${server.url}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${auditor}` } })
    expect(await verify.json()).toMatchObject({ ok: true })
  })

  describe('live rooms', () => {
    const sockets: Socket[] = []
    const open = (auth?: { token: string }) => {
      const s = connect(`${server.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth, reconnection: false })
      sockets.push(s)
      return new Promise<Socket | Error>((resolve) => {
        s.once('connect', () => resolve(s))
        s.once('connect_error', (err) => resolve(err))
      })
    }
    afterAll(() => sockets.forEach((s) => s.close()))

    it('refuses a handshake without a valid token, and roles without a live view', async () => {
      expect(await open()).toBeInstanceOf(Error)
      expect(await open({ token: 'gw_forged' })).toBeInstanceOf(Error)
      const auditor = await open({ token: await tokenFor('auditor') })
      expect(auditor).toBeInstanceOf(Error)
      expect((auditor as Error).message).toMatch(/forbidden/)
    })

    it("refuses a subscription to another jurisdiction's room and serves its own", async () => {
      const s = await open({ token: await tokenFor('dispatcher', true) })
      if (s instanceof Error) throw s
      const foreign = (await s.emitWithAck('subscribe', { layers: ['units', 'incidents'], area: foreignStreet })) as { error?: { code: string } }
      expect(foreign.error?.code).toBe('forbidden')
      const city = (await s.emitWithAck('subscribe', { layers: ['incidents'], area: street.slice(0, 6) })) as { error?: { code: string } }
      expect(city.error?.code).toBe('forbidden')
      const own = (await s.emitWithAck('subscribe', { layers: ['units', 'incidents'] })) as Record<string, { rows: Array<{ gridCode?: string; properties?: { gridCode: string } }> }>
      const codes = [...own.units.rows.map((u) => u.gridCode), ...own.incidents.rows.map((i) => i.properties?.gridCode)]
      expect(codes.length).toBeGreaterThan(0)
      expect(codes.every((c) => c?.startsWith(street))).toBe(true)
      const wall = await open({ token: server.wallToken })
      if (wall instanceof Error) throw wall
      const all = (await wall.emitWithAck('subscribe', { layers: ['units'] })) as { units: { rows: unknown[] } }
      expect(all.units.rows).toHaveLength(40)
    })
  })
})

/** An error answer: `{error: {code, message}}`, or Open311's `[{code, description}]`. */
function isErrorAnswer(json: unknown): boolean {
  const e = (json as { error?: { message?: unknown } } | null)?.error
  if (e && typeof e.message === 'string') return true
  return Array.isArray(json) && typeof (json[0] as { description?: unknown } | undefined)?.description === 'string'
}

/** A form body; arrays become repeated keys, objects their JSON. */
function formEncode(body: Record<string, unknown>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(body)) {
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item))
  }
  return q.toString()
}

/** Every grid code a JSON answer mentions (gridCode, grid_code), and the code of every area feature. */
function gridCodesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) gridCodesIn(v, out)
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    for (const [k, v] of Object.entries(o)) {
      if ((k === 'gridCode' || k === 'grid_code') && typeof v === 'string') out.push(v)
      else if (k === 'code' && typeof v === 'string' && typeof o.level === 'string') out.push(v)
      else gridCodesIn(v, out)
    }
  }
  return out
}

/** The rows of a collection answer (GeoJSON features, a bare array, or `rows`) with their id and grid. */
function itemsIn(value: unknown): Array<{ id: string; gridCode?: string }> {
  const o = value as { features?: unknown[]; rows?: unknown[] }
  const list = (Array.isArray(value) ? value : (o.features ?? o.rows ?? [])) as Array<Record<string, unknown>>
  return list.map((item) => {
    const props = (item.properties ?? item) as Record<string, unknown>
    return { id: String(item.id ?? props.id), gridCode: (props.gridCode ?? props.grid_code) as string | undefined }
  })
}

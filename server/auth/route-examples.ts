import type { Role } from './principal.ts'

/*
 * A valid body for every documented route that takes one, on the demo city: the base the generated access tests
 * (route-access.test.ts) put hostile values into, one field at a time. Data only. A route with a body and no
 * entry here fails those tests by name, so a new route cannot be left out.
 *
 * Strings in a body may hold placeholders, filled in before each request: `{device}`, `{camera}` and `{unit}`
 * (rows of the demo city, from PLACEHOLDER_QUERIES), `{unique}` (a fresh number), `{now}` (ISO time),
 * `{adminPassword}`; a string that is exactly `{nowSeconds}` becomes that number.
 */

export interface RouteExample {
  /** Who sends it, for a route that lists roles: admin when it may, else its first role. */
  role?: Role
  /** Path parameters: a literal, or a query (its first column) naming a row in the state the route needs, run before each request. */
  params?: Record<string, string>
  body: unknown
  /** Rows one accepted request adds to the guarded tables. */
  creates?: Record<string, number>
  /** Body fields the answer of an accepted request returns: they must come back verbatim. */
  echoes?: string[]
}

export const PLACEHOLDER_QUERIES: Record<string, string> = {
  device: 'SELECT id FROM device WHERE active ORDER BY id LIMIT 1',
  camera: 'SELECT id FROM camera ORDER BY id LIMIT 1',
  unit: `SELECT id FROM unit WHERE status = 'available' ORDER BY id LIMIT 1`,
  department: `SELECT department_code FROM category WHERE code = 'EV-0101'`,
}

const caseIn = (...states: string[]) =>
  `SELECT id::text FROM incident WHERE state IN (${states.map((s) => `'${s}'`).join(', ')}) ORDER BY id DESC LIMIT 1`
/** A fresh alert per request, so filing and dismissing never run out of open ones. */
const newAlert = `INSERT INTO camera_alert (source, source_id, camera_id, type, started_at)
  SELECT 'webhook', 'probe-' || md5(random()::text), id, 'person', now() FROM camera ORDER BY id LIMIT 1 RETURNING id::text`
const HERE = { lon: -56.1645, lat: -34.9058 }

export const ROUTE_EXAMPLES: Record<string, RouteExample> = {
  'POST /api/v1/camera-alerts': { body: { id: 'inj-{unique}', cameraId: '{camera}', type: 'person', time: '{now}', score: 0.8, zones: ['gate'] } },
  'POST /api/v1/exports': { body: { what: 'incidents', format: 'csv', view: 'month', rows: 10 } },
  'POST /api/v1/auth/login': { body: { username: 'admin', password: '{adminPassword}' }, creates: { auth_session: 1 } },
  'POST /api/v1/users': {
    body: { username: 'inj-{unique}', displayName: 'Injection probe', role: 'analyst', areas: [], layers: [] },
    creates: { app_user: 1 },
    echoes: ['username'],
  },
  'PATCH /api/v1/users/{id}': {
    params: { id: `SELECT id::text FROM app_user WHERE username LIKE 'inj-%' ORDER BY id DESC LIMIT 1` },
    body: { displayName: 'Probe', role: 'analyst', areas: [], layers: ['tracks'], disabled: false },
    echoes: ['displayName'],
  },
  'POST /api/v1/users/{id}/tokens': {
    params: { id: `SELECT id::text FROM app_user WHERE username = 'demo-wall'` },
    body: { label: 'probe', days: 1 },
    creates: { auth_session: 1 },
  },
  'POST /api/v1/cases/{id}/file': { params: { id: caseIn('reported') }, body: { categoryCode: 'EV-0101', priority: 2, note: 'filed' } },
  'POST /api/v1/cases/{id}/approve': { params: { id: caseIn('pending_approval') }, body: { note: 'approved' } },
  'POST /api/v1/cases/{id}/reject': { params: { id: caseIn('reported') }, body: { kind: 'invalid', reason: 'not ours' } },
  'POST /api/v1/cases/{id}/dispatch': { params: { id: caseIn('filed') }, body: { departmentCode: '{department}', note: 'go' } },
  'POST /api/v1/cases/{id}/assign': { params: { id: caseIn('filed', 'dispatched', 'handled') }, body: { unitId: '{unit}', note: 'go' } },
  'POST /api/v1/cases/{id}/handle': { params: { id: caseIn('dispatched') }, body: { note: 'done' } },
  'POST /api/v1/cases/{id}/report-back': {
    params: { id: caseIn('handled') },
    body: { note: 'fixed', photoUrls: ['https://example.org/a.jpg'] },
  },
  'POST /api/v1/cases/{id}/verify': { params: { id: caseIn('reported_back') }, body: { passed: true, note: 'checked' }, role: 'supervisor' },
  'POST /api/v1/cases/{id}/close': { params: { id: caseIn('verified') }, body: { note: 'closed' } },
  'POST /api/v1/cases/{id}/exceptions': {
    params: { id: caseIn('filed', 'dispatched') },
    body: { kind: 'extend', reason: 'waiting for parts', requestedBy: 'works', extendMinutes: 30 },
  },
  'POST /api/v1/units/{id}/status': {
    params: { id: `SELECT id FROM unit WHERE status = 'available' ORDER BY id DESC LIMIT 1` },
    body: { status: 'out_of_service' },
  },
  'POST /api/v1/camera-alerts/{id}/file': {
    params: { id: newAlert },
    body: { categoryCode: 'EV-0101', description: 'seen on camera', note: 'filed' },
    creates: { incident: 1 },
  },
  'POST /api/v1/camera-alerts/{id}/dismiss': { params: { id: newAlert }, body: { reason: 'false alarm' } },
  'PUT /api/v1/categories/{code}': { params: { code: 'EV-0101' }, body: { disposalPlan: 'remove and report' }, echoes: ['disposalPlan'] },
  'POST /api/v1/incidents': {
    body: { categoryCode: 'EV-0101', ...HERE, description: 'probe', address: 'Calle 1', reporter: { name: 'Ana', phone: '+598 99 123 456' } },
    creates: { incident: 1 },
    echoes: ['description', 'address'],
  },
  'POST /open311/v2/requests.json': {
    body: {
      service_code: 'EV-0101', lat: String(HERE.lat), long: String(HERE.lon), description: 'probe', address_string: 'Calle 1',
      first_name: 'Ana', last_name: 'Pérez', phone: '099123456', api_key: 'probe', jurisdiction_id: 'gridwatch', locale: 'en',
      media_url: 'https://example.org/b.jpg',
    },
    creates: { incident: 1 },
  },
  'POST /ingest/osmand': { body: { id: '{device}', timestamp: '{now}', ...strings(HERE), speed: '1', bearing: '90', altitude: '10', accuracy: '5', batt: '80' } },
  'POST /ingest/owntracks': {
    body: { _type: 'location', ...HERE, tst: '{nowSeconds}', acc: 5, tid: 'ab', topic: 'owntracks/probe/{device}' },
  },
  'POST /api/v1/positions': { body: [{ deviceId: '{device}', time: '{now}', ...HERE, speed: 1 }] },
}

function strings(o: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]))
}

import express, { type RequestHandler } from 'express'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Principal } from '../auth/principal.ts'
import { describeBackends } from '../testing/backends.ts'
import { listenRouters } from '../testing/listen.ts'
import { FIXTURE_GRIDS } from '../testing/tracking-fixture.ts'
import { alertAcknowledgeRouter } from './alert-acknowledge.ts'
import type { AlertEvent } from './alert-store.ts'
import { insertCameraFixture } from './camera-fixture.ts'

const principal = (username: string, role: Principal['role'], areas: Principal['areas']): Principal => ({ userId: 1, username, role, areas, layers: new Set() })
const PRINCIPALS: Record<string, Principal> = {
  east: principal('li.dispatcher', 'dispatcher', [FIXTURE_GRIDS.east]),
  west: principal('wang.dispatcher', 'dispatcher', [FIXTURE_GRIDS.west]),
  wall: principal('wall-1', 'wall', 'all'),
}
/** Stands in for the authentication middleware: the principal named by a test header, none without it. */
const asHeader: RequestHandler = (req, _res, next) => {
  const who = req.get('x-test-as')
  if (who) req.principal = PRINCIPALS[who]
  next()
}

describeBackends('acknowledging a camera alert', ({ db }) => {
  let base: string
  let close: () => Promise<void>
  const published: Array<{ gridCode: string | null; event: AlertEvent }> = []
  const ids: Record<string, number> = {}
  const ack = (id: number | string, as?: string) =>
    fetch(`${base}/api/v1/camera-alerts/${id}/acknowledge`, { method: 'POST', headers: as ? { 'x-test-as': as } : {} })
  const stateOf = async (id: number) =>
    (await db().query<{ state: string; acknowledged_by: string | null }>(`SELECT state, acknowledged_by FROM camera_alert WHERE id = $1`, [id])).rows[0]

  beforeAll(async () => {
    await insertCameraFixture(db())
    for (const [key, cam, grid, state] of [
      ['fire', 'cam-0012', FIXTURE_GRIDS.east, 'new'],
      ['dismissed', 'cam-0012', FIXTURE_GRIDS.east, 'dismissed'],
      ['westSmoke', 'cam-0001', FIXTURE_GRIDS.west, 'new'],
    ] as const) {
      const r = await db().query<{ id: number }>(
        `INSERT INTO camera_alert (source, source_id, camera_id, type, started_at, state, grid_code, geom)
         VALUES ('webhook', $1, $2, 'fire', now(), $3, $4, ST_SetSRID(ST_MakePoint(-56.1, -34.9), 4326)) RETURNING id`,
        [key, cam, state, grid],
      )
      ids[key] = Number(r.rows[0].id)
    }
    const router = express.Router()
    router.use(asHeader)
    ;({ close, url: base } = await listenRouters(router, alertAcknowledgeRouter({ db: db(), publish: (gridCode, event) => published.push({ gridCode, event }) })))
  })
  afterAll(() => close())

  it('marks a new alert acknowledged by whoever did it, and announces it once on the alerts layer', async () => {
    const res = await ack(ids.fire, 'east')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toEqual({ id: ids.fire, state: 'acknowledged', acknowledgedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), acknowledgedBy: 'li.dispatcher' })
    expect(await stateOf(ids.fire)).toEqual({ state: 'acknowledged', acknowledged_by: 'li.dispatcher' })
    expect(published).toHaveLength(1)
    expect(published[0].gridCode).toBe(FIXTURE_GRIDS.east)
    expect(published[0].event).toMatchObject({ op: 'updated', alert: { id: ids.fire, state: 'acknowledged', cameraId: 'cam-0012' } })

    // Again: the first acknowledgement stands, nothing is announced twice.
    const again = await ack(ids.fire, 'east')
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual(body)
    expect(published).toHaveLength(1)
  })

  it("answers 404 for another jurisdiction's alert or an unknown one, and changes nothing", async () => {
    expect((await ack(ids.westSmoke, 'east')).status).toBe(404)
    expect((await ack(99_999_999, 'east')).status).toBe(404)
    expect(await stateOf(ids.westSmoke)).toEqual({ state: 'new', acknowledged_by: null })
  })

  it('answers 409 for a dismissed alert, 400 for a malformed id', async () => {
    const res = await ack(ids.dismissed, 'east')
    expect(res.status).toBe(409)
    expect((await res.json()).error.code).toBe('alert_closed')
    expect(await stateOf(ids.dismissed)).toEqual({ state: 'dismissed', acknowledged_by: null })
    const bad = await ack('abc', 'east')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.details[0].path).toBe('params.id')
  })

  it('lets neither the wall (read-only) nor an anonymous caller acknowledge', async () => {
    expect((await ack(ids.westSmoke, 'wall')).status).toBe(403)
    expect((await ack(ids.westSmoke)).status).toBe(401)
    expect((await ack(ids.westSmoke, 'west')).status).toBe(200)
    expect(published.map((p) => p.event.alert.id)).toEqual([ids.fire, ids.westSmoke])
  })
})

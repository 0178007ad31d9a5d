import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseFrigateReview } from '../../geo/ingest/parse-frigate.ts'
import { parseOpen311Request } from '../../geo/ingest/parse-open311.ts'
import { parseOsmand } from '../../geo/ingest/parse-osmand.ts'
import { parseOwnTracks } from '../../geo/ingest/parse-owntracks.ts'
import { CameraAlertGenerator, type SimCamera } from './camera-alerts.ts'
import {
  open311Form,
  OPEN311_API_KEY,
  osmandPath,
  ownTracksHttpHeaders,
  ownTracksLocation,
  ownTracksTopic,
  type FrigateReviewMessage,
} from './protocols.ts'
import type { SimFix } from './unit-model.ts'

const fixture = (name: string) => readFileSync(new URL(`../../geo/ingest/fixtures/${name}`, import.meta.url), 'utf8')

const fix: SimFix = {
  unitId: 'unit-0042',
  deviceId: 'unit-0042',
  timeMs: Date.parse('2026-11-23T07:00:05Z'),
  lon: -56.1645012345,
  lat: -34.9058098765,
  speedMps: 11.37,
  headingDeg: 359.96,
  accuracyM: 7,
  batteryPct: 63.4,
  trueLon: -56.1645,
  trueLat: -34.9058,
  trueSpeedMps: 11.4,
  roadClass: 'primary',
  outlier: false,
}

/** The shape of a JSON value: key names in order, recursively; arrays by their first element. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : []
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
  return v === null ? 'null' : typeof v
}

describe('OsmAnd', () => {
  it('round-trips through the server parser: knots, Unix seconds, 1e-7 degrees', () => {
    const path = osmandPath(fix)
    expect(path).toMatch(/^\/ingest\/osmand\?id=unit-0042&lat=-34\.9058099&lon=-56\.1645012&timestamp=1795417205&speed=22\.1&bearing=0\.0&accuracy=7\.0&batt=63$/)
    const parsed = parseOsmand(Object.fromEntries(new URL(path, 'http://x').searchParams))
    expect(parsed.deviceId).toBe('unit-0042')
    expect(parsed.deviceTime.getTime()).toBe(fix.timeMs)
    expect(parsed.lat).toBeCloseTo(fix.lat, 6)
    expect(parsed.lon).toBeCloseTo(fix.lon, 6)
    expect(parsed.speedMps!).toBeCloseTo(fix.speedMps, 1)
    expect(parsed.accuracyM).toBe(7)
    expect(parsed.batteryPct).toBe(63)
    expect(parsed.source).toBe('osmand')
  })

  it('uses the parameter names of the sample', () => {
    const sample = new URL(fixture('osmand-get.txt').split('\n')[0], 'http://x').searchParams
    const ours = new URL(osmandPath(fix), 'http://x').searchParams
    for (const name of ours.keys()) expect([...sample.keys(), 'accuracy']).toContain(name)
  })
})

describe('OwnTracks', () => {
  it('round-trips over MQTT (device from the topic) and over HTTP (device from the headers)', () => {
    const message = ownTracksLocation(fix)
    expect(message).toEqual({ _type: 'location', lat: -34.9058099, lon: -56.1645012, tst: 1795417205, acc: 7, vel: 41, cog: 0, batt: 63, tid: '42' })
    const overMqtt = parseOwnTracks(JSON.parse(JSON.stringify(message)), ownTracksTopic(fix.deviceId))
    expect(overMqtt.deviceId).toBe('unit-0042')
    expect(overMqtt.deviceTime.getTime()).toBe(fix.timeMs)
    expect(overMqtt.speedMps!).toBeCloseTo(41 / 3.6, 6)
    const h = ownTracksHttpHeaders(fix.deviceId)
    // What the HTTP route does with the headers.
    const overHttp = parseOwnTracks(JSON.parse(JSON.stringify(message)), `owntracks/${h['X-Limit-U']}/${h['X-Limit-D']}`)
    expect(overHttp).toEqual(overMqtt)
  })

  it('sends only fields the app itself sends', () => {
    const sample = JSON.parse(fixture('owntracks-location.json'))
    for (const [k, v] of Object.entries(ownTracksLocation(fix))) {
      expect(Object.keys(sample)).toContain(k)
      expect(typeof v).toBe(typeof sample[k])
      if (typeof v === 'number' && ['acc', 'vel', 'cog', 'batt', 'tst'].includes(k)) expect(Number.isInteger(v)).toBe(true)
    }
  })
})

describe('Open311', () => {
  it('posts the sample’s fields, form-encoded, and the server parser reads them back', () => {
    const body = open311Form({ serviceCode: 'EV-0101', lon: -56.1631, lat: -34.9064, description: '井盖缺失，有行人跌倒风险', address: 'Avenida 18 de Julio' })
    expect(body).toBe(
      'jurisdiction_id=demo-city&service_code=EV-0101&lat=-34.90640&long=-56.16310&address_string=Avenida+18+de+Julio' +
        '&description=%E4%BA%95%E7%9B%96%E7%BC%BA%E5%A4%B1%EF%BC%8C%E6%9C%89%E8%A1%8C%E4%BA%BA%E8%B7%8C%E5%80%92%E9%A3%8E%E9%99%A9' +
        `&api_key=${OPEN311_API_KEY}`,
    )
    // Same encoding as the sample for the fields they share.
    expect(fixture('open311-post.txt').startsWith(body.slice(0, body.indexOf('&address_string')))).toBe(true)
    const params = Object.fromEntries(new URLSearchParams(body))
    const now = new Date()
    const report = parseOpen311Request(params, { source: 'citizen', sourceId: null, now })
    expect(report).toMatchObject({ categoryCode: 'EV-0101', lon: -56.1631, lat: -34.9064, address: 'Avenida 18 de Julio', description: '井盖缺失，有行人跌倒风险', reporter: null })
  })

  it('leaves the address out when there is none', () => {
    const body = open311Form({ serviceCode: 'PT-0107', lon: -56.1, lat: -34.9, description: '路灯不亮', address: null })
    expect(body).not.toContain('address_string')
  })
})

describe('Frigate reviews', () => {
  const cameras: SimCamera[] = [
    { id: 'cam-0001', frigateName: 'gate_north', placement: 'entrance' },
    { id: 'cam-0002', frigateName: 'junction_012', placement: 'downtown' },
    { id: 'cam-0003', frigateName: 'school_gate_3', placement: 'key_place' },
  ]
  const start = Date.parse('2026-06-01T20:00:00Z')
  const messages = new CameraAlertGenerator(cameras, { seed: 'f', startMs: start, utcOffsetMinutes: -180, rateFactor: 20 })
    .take(start + 6 * 3_600_000)
    .map((p) => p.message)

  it('have exactly the shape of the samples', () => {
    const sampleNew: FrigateReviewMessage = JSON.parse(fixture('frigate-review-new.json'))
    const sampleEnd: FrigateReviewMessage = JSON.parse(fixture('frigate-review-end.json'))
    expect(messages.length).toBeGreaterThan(100)
    const withEndTime = shape(sampleEnd.after)
    for (const m of messages) {
      expect(Object.keys(m)).toEqual(['type', 'before', 'after'])
      const sample = m.type === 'end' ? sampleEnd : sampleNew
      expect(shape(m.before)).toEqual(shape(sample.before))
      expect(shape(m.after)).toEqual(m.type === 'end' ? withEndTime : shape(sampleNew.after))
    }
  })

  it('go new -> (update) -> end per review, and the server parser reads each', () => {
    const byId = new Map<string, FrigateReviewMessage[]>()
    for (const m of messages) {
      const list = byId.get(m.after.id) ?? []
      list.push(m)
      byId.set(m.after.id, list)
      const alert = parseFrigateReview(JSON.parse(JSON.stringify(m)))!
      expect(alert.sourceId).toBe(m.after.id)
      expect(alert.camera).toEqual({ by: 'frigate', name: m.after.camera })
      expect(alert.severity).toBe(m.after.severity)
      expect(alert.endedAt === null).toBe(m.type !== 'end')
    }
    let alerts = 0
    let escalated = 0
    for (const [, list] of byId) {
      if (list[list.length - 1].type !== 'end') continue
      const types = list.map((m) => m.type)
      expect(types[0]).toBe('new')
      expect(types.slice(1, -1).every((t) => t === 'update')).toBe(true)
      expect(list[0].before).toEqual(list[0].after)
      for (let i = 1; i < list.length; i++) expect(list[i].before).toEqual(list[i - 1].after)
      const end = list[list.length - 1].after
      expect(end.end_time! - end.start_time).toBeGreaterThan(5.99)
      if (end.severity === 'alert') alerts++
      if (list[0].after.severity === 'detection' && end.severity === 'alert') escalated++
    }
    expect(alerts).toBeGreaterThan(0)
    expect(escalated).toBeGreaterThan(0)
    expect(alerts / byId.size).toBeLessThan(0.6)
  })

  it('come more often in the evening than before dawn', () => {
    const count = (fromUtc: string) => {
      const t = Date.parse(fromUtc)
      return new CameraAlertGenerator(cameras, { seed: 'r', startMs: t, utcOffsetMinutes: -180, rateFactor: 10 })
        .take(t + 3_600_000 * 10 * 24)
        .filter((p) => p.message.type === 'new' && new Date(p.atMs - 3 * 3_600_000).getUTCHours() === new Date(t - 3 * 3_600_000).getUTCHours()).length
    }
    // 20:00 local vs 04:00 local, over 10 days of that hour (plus the rest, filtered out).
    expect(count('2026-06-01T23:00:00Z')).toBeGreaterThan(count('2026-06-01T07:00:00Z') * 4)
  })
})

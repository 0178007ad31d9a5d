import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFrigateReview } from '../../geo/ingest/parse-frigate.ts'
import { parseOwnTracks } from '../../geo/ingest/parse-owntracks.ts'
import { CameraAlertGenerator } from './camera-alerts.ts'
import { connectMqtt, type MqttLink } from './mqtt-link.ts'
import { FRIGATE_REVIEWS_TOPIC, ownTracksLocation, ownTracksTopic } from './protocols.ts'
import type { SimFix } from './unit-model.ts'

describe('MQTT senders (against an in-process broker)', () => {
  let broker: Aedes
  let server: Server
  let url: string
  let link: MqttLink | null
  let listener: mqtt.MqttClient
  const received: { topic: string; payload: string }[] = []

  beforeAll(async () => {
    broker = await Aedes.createBroker()
    server = createServer(broker.handle)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
    listener = await mqtt.connectAsync(url)
    await listener.subscribeAsync(['owntracks/#', 'frigate/#'], { qos: 1 })
    listener.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }))
    link = await connectMqtt(url, { clientId: 'sim-test', log: pino({ level: 'silent' }) })
  })

  afterAll(async () => {
    await link?.close()
    await listener?.endAsync()
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    await new Promise((resolve) => server.close(resolve))
  })

  it('publishes OwnTracks locations and Frigate reviews that the server parsers accept', async () => {
    expect(link).not.toBeNull()
    const t0 = Date.now()
    while (!link!.connected) {
      if (Date.now() - t0 > 5000) throw new Error('not connected')
      await new Promise((r) => setTimeout(r, 20))
    }
    const fix: SimFix = {
      unitId: 'unit-0003', deviceId: 'unit-0003', timeMs: 1_795_417_205_000, lon: -56.16, lat: -34.9, speedMps: 1.3,
      headingDeg: 90, accuracyM: 6, batteryPct: 80, trueLon: -56.16, trueLat: -34.9, trueSpeedMps: 1.3, roadClass: null, outlier: false,
    }
    await link!.publish(ownTracksTopic(fix.deviceId), JSON.stringify(ownTracksLocation(fix)), 1)
    const start = Date.parse('2026-06-01T22:00:00Z')
    const plans = new CameraAlertGenerator([{ id: 'cam-0001', frigateName: 'gate_north', placement: 'entrance' }], {
      seed: 'm', startMs: start, utcOffsetMinutes: -180, rateFactor: 20,
    }).take(start + 3_600_000)
    expect(plans.length).toBeGreaterThan(3)
    for (const p of plans.slice(0, 3)) await link!.publish(FRIGATE_REVIEWS_TOPIC, JSON.stringify(p.message), 1)

    const t1 = Date.now()
    while (received.length < 4) {
      if (Date.now() - t1 > 5000) throw new Error(`only ${received.length} messages arrived`)
      await new Promise((r) => setTimeout(r, 20))
    }
    const location = received.find((m) => m.topic.startsWith('owntracks/'))!
    expect(location.topic).toBe('owntracks/sim/unit-0003')
    const parsed = parseOwnTracks(JSON.parse(location.payload), location.topic)
    expect(parsed.deviceId).toBe('unit-0003')
    expect(parsed.deviceTime.getTime()).toBe(fix.timeMs)
    const reviews = received.filter((m) => m.topic === FRIGATE_REVIEWS_TOPIC)
    expect(reviews).toHaveLength(3)
    for (const r of reviews) expect(parseFrigateReview(JSON.parse(r.payload))?.camera).toEqual({ by: 'frigate', name: 'gate_north' })
  })

  it('refuses to publish while disconnected instead of queueing without bound', async () => {
    const dead = await connectMqtt('mqtt://127.0.0.1:1', { clientId: 'sim-dead', log: pino({ level: 'silent' }) })
    await expect(dead!.publish('x', 'y', 1)).rejects.toThrow(/not connected/)
    await dead!.close()
  })
})

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Client, PublishPacket, PubrelPacket } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import type { GridIndex } from '../../geo/grid-index/grid-index.ts'
import { AlertIngest, type AlertEvent } from '../alerts/alert-store.ts'
import { cameraDirectory } from '../alerts/camera-directory.ts'
import { insertCameraFixture } from '../alerts/camera-fixture.ts'
import { loadDeviceRegistry } from '../ingest/device-registry.ts'
import { FeedHealth, type FeedStatus } from '../ingest/feed-health.ts'
import { PositionPipeline } from '../ingest/position-pipeline.ts'
import { PositionWriter } from '../ingest/position-writer.ts'
import type { StoredFix } from '../ingest/stored-fix.ts'
import { describeBackends } from '../testing/backends.ts'
import { FIXTURE_GRIDS, insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { mqttAccess, newInternalCredential } from '../auth/mqtt-access.ts'
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts'
import { startMqttIngest, type MqttIngest, type MqttIngestOptions } from './mqtt-ingest.ts'

const log = pino({ level: 'silent' })
const raw = (name: string) => readFileSync(new URL(`../../geo/ingest/fixtures/${name}`, import.meta.url), 'utf8')
const ownTracks = JSON.parse(raw('owntracks-location.json'))
const reviewNew = raw('frigate-review-new.json')
const reviewEnd = raw('frigate-review-end.json')
const eventNew = JSON.parse(raw('frigate-event-new.json'))
// The samples were recorded on 2025-11-23 around 07:00 UTC.
const now = () => new Date('2025-11-23T07:05:00Z')
/** unit-0007's device key; every other device and key is refused. */
const KEY = 'k7-secret-device-key'
const deviceKeys = { verify: async (id: string, key: string | null | undefined) => id === 'unit-0007' && key === KEY }
/** An embedded broker only gridwatch's internal credential (and unit-0007) gets into; its URL carries that credential. */
async function guardedBroker(port = 0): Promise<{ broker: EmbeddedBroker; url: string }> {
  const internal = newInternalCredential()
  const broker = await startEmbeddedBroker({ port, host: '127.0.0.1', log, access: mqttAccess({ deviceKeys, internal }) })
  const u = new URL(broker.url)
  u.username = internal.username
  u.password = internal.password
  return { broker, url: u.toString() }
}

/**
 * Both brokers: the embedded one (always; started here so that it outlives an ingest restart), and the external
 * broker at MQTT_URL (Mosquitto in CI) when that is set. Each run has its own topic prefix and client id, so
 * runs sharing a broker never meet.
 */
const BROKERS: Array<[string, string | undefined]> = [['embedded', undefined], ['external', process.env.MQTT_URL]]

/** Lets a test hold the position pipeline before it stores anything, or make it fail as if the database were down. */
class Gate {
  mode: 'open' | 'hold' | 'fail' = 'open'
  entered = 0
  private held: Array<() => void> = []
  async pass(): Promise<void> {
    this.entered++
    if (this.mode === 'fail') throw Object.assign(new Error('database unavailable'), { code: 'ECONNREFUSED' })
    if (this.mode === 'hold') await new Promise<void>((resolve) => this.held.push(resolve))
  }
  open(): void {
    this.mode = 'open'
    for (const release of this.held.splice(0)) release()
  }
}

describeBackends('MQTT ingest', ({ db }) => {
  let grids: GridIndex
  beforeAll(async () => {
    grids = await insertTrackingFixture(db())
    await insertCameraFixture(db())
  })

  describe.each(BROKERS)('%s broker', (kind, externalUrl) => {
    let url: string
    let broker: EmbeddedBroker | undefined
    const run = randomBytes(4).toString('hex')
    const prefix = `gw-test-${run}/`
    const clientId = `gw-test-${run}`
    const feeds = new FeedHealth()
    const gate = new Gate()
    const committed: StoredFix[] = []
    const events: AlertEvent[] = []
    let ingest: MqttIngest
    let publisher: MqttClient
    let writer: PositionWriter
    let options: MqttIngestOptions

    const feed = (name: string): FeedStatus | undefined => feeds.snapshot().find((f) => f.feed === name)
    const handled = (name: string) => (feed(name)?.ok ?? 0) + (feed(name)?.rejected ?? 0)
    /** Runs `act`, then waits until the feed has handled `n` more messages. */
    const handling = async (name: string, n: number, act: () => Promise<unknown>) => {
      const before = handled(name)
      await act()
      await vi.waitFor(() => expect(handled(name)).toBeGreaterThanOrEqual(before + n), { timeout: 10_000, interval: 20 })
    }
    const publish = (topic: string, payload: string | object) =>
      publisher.publishAsync(prefix + topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 })
    const alerts = async () =>
      (await db().query<{ source: string; source_id: string; ended_at: Date | null; grid_code: string; clip_url: string; snapshot_url: string }>(
        'SELECT source, source_id, ended_at, grid_code, clip_url, snapshot_url FROM camera_alert ORDER BY id',
      )).rows
    const historyAt = async (tst: number) =>
      (await db().query<{ unit_id: string; grid_code: string }>('SELECT unit_id, grid_code FROM position_history WHERE device_time = $1', [new Date(tst * 1000)])).rows

    beforeAll(async () => {
      if (kind === 'external' && !externalUrl) return
      const embedded = kind === 'embedded' ? await guardedBroker() : undefined
      broker = embedded?.broker
      url = externalUrl ?? embedded!.url
      await db().exec('DELETE FROM camera_alert; DELETE FROM position_history; DELETE FROM unit_position_latest;')
      writer = new PositionWriter(db(), log)
      writer.onCommitted((fixes) => committed.push(...fixes))
      const pipeline = new PositionPipeline(await loadDeviceRegistry(db()), grids, writer, undefined, now)
      options = {
        url,
        port: 0,
        host: '127.0.0.1',
        clientId,
        topicPrefix: prefix,
        frigate: { baseUrl: 'http://frigate.lan:5000' },
        positions: {
          submit: async (fixes: readonly PositionFix[]) => {
            await gate.pass()
            return pipeline.submit(fixes)
          },
        },
        alerts: new AlertIngest(db(), cameraDirectory(db()), grids, { publish: (_grid, e) => events.push(e), now }),
        feeds,
        log,
        deviceKeys,
      }
      ingest = (await startMqttIngest(options))!
      await ingest.ready
      expect(ingest.status()).toMatchObject({ broker: 'external', connected: true })
      publisher = await connectAsync(url, { clientId: `${clientId}-pub`, clean: true })
    })

    afterAll(async () => {
      if (!ingest) return
      await publisher.endAsync()
      await ingest.close()
      // Drop the persistent session this run left on a shared broker.
      await (await connectAsync(url, { clientId, clean: true })).endAsync()
      await writer.close()
      await broker?.close()
    })

    describe.skipIf(kind === 'external' && !externalUrl)('end to end (external: only with MQTT_URL)', () => {
      it('stores the OwnTracks sample from owntracks/<user>/<device> in its grid and publishes it', async () => {
        await handling('owntracks-mqtt', 1, () => publish('owntracks/patrol/unit-0007', ownTracks))
        expect(feed('owntracks-mqtt')).toMatchObject({ ok: 1, rejected: 0 })
        expect(await historyAt(ownTracks.tst)).toEqual([{ unit_id: 'unit-0007', grid_code: FIXTURE_GRIDS.west }])
        expect(committed).toEqual([expect.objectContaining({ unitId: 'unit-0007', source: 'owntracks', gridCode: FIXTURE_GRIDS.west })])
      })

      it('acknowledges the non-location messages of the app without storing anything', async () => {
        await handling('owntracks-mqtt', 2, async () => {
          await publish('owntracks/patrol/unit-0007', { _type: 'lwt', tst: ownTracks.tst })
          await publish('owntracks/patrol/unit-0007', '')
        })
        expect(feed('owntracks-mqtt')).toMatchObject({ ok: 3, rejected: 0 })
        expect(committed).toHaveLength(1)
      })

      it('takes Frigate events until the Frigate is seen to publish reviews', async () => {
        await handling('frigate', 1, () => publish('frigate/events', eventNew))
        expect(await alerts()).toEqual([expect.objectContaining({ source: 'frigate-event', source_id: '1763881229.998877-a1b2c3' })])
      })

      it('opens one alert per Frigate review and ends it, with grid and media URLs, publishing each change', async () => {
        const before = events.length
        await handling('frigate', 2, async () => {
          await publish('frigate/reviews', reviewNew)
          await publish('frigate/reviews', reviewEnd)
        })
        const reviews = (await alerts()).filter((a) => a.source === 'frigate')
        expect(reviews).toEqual([{
          source: 'frigate', source_id: '1763881230.112233-k3x9qp', ended_at: new Date('2025-11-23T07:01:02.504Z'), grid_code: FIXTURE_GRIDS.west,
          clip_url: 'http://frigate.lan:5000/api/review/1763881230.112233-k3x9qp/clip.mp4',
          snapshot_url: 'http://frigate.lan:5000/api/events/1763881229.998877-a1b2c3/snapshot.jpg',
        }])
        expect(events.slice(before).map((e) => [e.op, e.alert.sourceId])).toEqual([
          ['created', '1763881230.112233-k3x9qp'], ['updated', '1763881230.112233-k3x9qp'],
        ])
      })

      it('stores a redelivered review once and ignores events once reviews are seen', async () => {
        const before = events.length
        await handling('frigate', 2, async () => {
          await publish('frigate/reviews', reviewEnd)
          await publish('frigate/events', { ...eventNew, after: { ...eventNew.after, id: '1763881299.000000-other' } })
        })
        expect(await alerts()).toHaveLength(2)
        expect(events).toHaveLength(before)
      })

      it('refuses bad messages (logged and counted per feed) and keeps going', async () => {
        const ok = feed('frigate')!.ok
        await handling('owntracks-mqtt', 2, async () => {
          await publish('owntracks/patrol/unit-0007', 'not json')
          await publish('owntracks/patrol/stranger', { ...ownTracks, tst: ownTracks.tst + 1 })
        })
        await handling('frigate', 2, async () => {
          await publish('frigate/reviews', reviewNew.replaceAll('gate_north', 'no_such_camera'))
          await publish('frigate/reviews', reviewNew)
        })
        expect(feed('owntracks-mqtt')).toMatchObject({ ok: 3, rejected: 2 })
        expect(feed('owntracks-mqtt')!.lastError).toBe('deviceId: unknown device "stranger"')
        expect(feed('frigate')).toMatchObject({ ok: ok + 1, rejected: 1, lastError: 'camera: no camera has frigate_name "no_such_camera"' })
        expect(ingest.status().connected).toBe(true)
      })

      it('holds the acknowledgement while the database is down and stores the message once it is back', async () => {
        gate.mode = 'fail'
        const entered = gate.entered
        const tst = ownTracks.tst + 10
        await handling('owntracks-mqtt', 1, async () => {
          await publish('owntracks/patrol/unit-0007', { ...ownTracks, tst })
          // Tried, failed, tried again: still not stored, not acknowledged.
          await vi.waitFor(() => expect(gate.entered).toBeGreaterThanOrEqual(entered + 2), { timeout: 5000, interval: 20 })
          expect(await historyAt(tst)).toEqual([])
          gate.open()
        })
        expect(await historyAt(tst)).toHaveLength(1)
      })

      it.runIf(kind === 'embedded')('sends the PUBACK only after the records are committed', async () => {
        const acked: string[] = []
        const topic = `${prefix}owntracks/patrol/unit-0001`
        const onAck = (packet: PublishPacket | PubrelPacket, client: Client) => {
          if (client.id === clientId && 'topic' in packet && packet.topic === topic) acked.push(packet.topic)
        }
        broker!.aedes.on('ack', onAck)
        try {
          gate.mode = 'hold'
          const entered = gate.entered
          const tst = ownTracks.tst + 15
          await publish('owntracks/patrol/unit-0001', { ...ownTracks, tst })
          await vi.waitFor(() => expect(gate.entered).toBeGreaterThan(entered), { timeout: 5000, interval: 20 })
          await new Promise((r) => setTimeout(r, 200))
          expect(acked).toEqual([])
          gate.open()
          await vi.waitFor(() => expect(acked).toEqual([topic]), { timeout: 5000, interval: 20 })
          expect(await historyAt(tst)).toEqual([{ unit_id: 'unit-0001', grid_code: FIXTURE_GRIDS.west }])
        } finally {
          broker!.aedes.off('ack', onAck)
        }
      })

      it.runIf(kind === 'embedded')('handles messages of different phones at once and acknowledges them in the order they came', async () => {
        const devices = ['unit-0007', 'unit-0001', 'unit-0002']
        const topics = devices.map((d) => `${prefix}owntracks/patrol/${d}`)
        const acked: string[] = []
        const onAck = (packet: PublishPacket | PubrelPacket, client: Client) => {
          if (client.id === clientId && 'topic' in packet && topics.includes(packet.topic)) acked.push(packet.topic)
        }
        broker!.aedes.on('ack', onAck)
        try {
          gate.mode = 'hold'
          const entered = gate.entered
          const tst = ownTracks.tst + 17
          for (const d of devices) await publish(`owntracks/patrol/${d}`, { ...ownTracks, tst })
          // All three are in the pipeline together, none acknowledged: one at a time, only the first would be.
          await vi.waitFor(() => expect(gate.entered).toBe(entered + 3), { timeout: 5000, interval: 20 })
          expect(acked).toEqual([])
          gate.open()
          await vi.waitFor(() => expect(acked).toEqual(topics), { timeout: 5000, interval: 20 })
          expect(await historyAt(tst)).toHaveLength(2)
        } finally {
          broker!.aedes.off('ack', onAck)
        }
      })

      it('has the broker redeliver a message left unacknowledged at shutdown, and not one that was acknowledged', async () => {
        // Not stored when the ingest stops: it must come back to the next session.
        gate.mode = 'fail'
        const entered = gate.entered
        const tst = ownTracks.tst + 20
        await publish('owntracks/patrol/unit-0007', { ...ownTracks, tst })
        await vi.waitFor(() => expect(gate.entered).toBeGreaterThan(entered), { timeout: 5000, interval: 20 })
        await ingest.close()
        expect(await historyAt(tst)).toEqual([])

        gate.open()
        const okBefore = feed('owntracks-mqtt')!.ok
        ingest = (await startMqttIngest(options))!
        await ingest.ready
        await vi.waitFor(async () => expect(await historyAt(tst)).toHaveLength(1), { timeout: 10_000, interval: 50 })
        // Only that one message came again: everything acknowledged before stayed acknowledged.
        await new Promise((r) => setTimeout(r, 300))
        expect(feed('owntracks-mqtt')!.ok).toBe(okBefore + 1)
      })
    })
  })
})

describe('MQTT ingest without MQTT_URL', () => {
  it('starts the embedded broker and reaches it over loopback like any broker', async () => {
    const fixes: PositionFix[] = []
    const feeds = new FeedHealth()
    const ingest = (await startMqttIngest({
      port: 0, host: '0.0.0.0', clientId: `gw-test-${randomBytes(4).toString('hex')}`, feeds, log, deviceKeys,
      positions: { submit: async (f: readonly PositionFix[]) => void fixes.push(...f) },
      alerts: { submit: async () => undefined, hasSource: async () => false },
    }))!
    try {
      await ingest.ready
      const status = ingest.status()
      expect(status).toMatchObject({ broker: 'embedded', connected: true, url: `mqtt://gridwatch-internal:***@127.0.0.1:${status.port}` })
      // The internal credential of this start: generated, never a default.
      expect(new URL(ingest.embeddedUrl!).password).toMatch(/^[A-Za-z0-9_-]{32}$/)
      // A phone connects to the port gridwatch listens on, as its device with its device key.
      const phone = await connectAsync(`mqtt://127.0.0.1:${status.port}`, { clientId: 'phone-p7', username: 'unit-0007', password: KEY })
      await phone.publishAsync('owntracks/patrol/unit-0007', JSON.stringify(ownTracks), { qos: 1 })
      await vi.waitFor(() => expect(fixes).toHaveLength(1), { timeout: 5000, interval: 20 })
      expect(fixes[0]).toMatchObject({ source: 'owntracks', deviceId: 'unit-0007', lat: -34.90515, lon: -56.16601 })
      await phone.endAsync()
      // The in-process simulator: one connection with the internal credential, publishing for every device.
      const simulator = await connectAsync(ingest.embeddedUrl!, { clientId: 'sim' })
      await simulator.publishAsync('owntracks/sim/unit-0001', JSON.stringify(ownTracks), { qos: 1 })
      await vi.waitFor(() => expect(fixes).toHaveLength(2), { timeout: 5000, interval: 20 })
      expect(fixes[1].deviceId).toBe('unit-0001')
      await simulator.endAsync()
    } finally {
      await ingest.close()
    }
  })

  it("answers a phone's publish only once it is stored, in the order each client sent, also while shutting down", async () => {
    // The sink holds each device's fixes until the test lets them through, as a slow commit would.
    const gates = new Map<string, () => void>()
    const stored: string[] = []
    const ingest = (await startMqttIngest({
      port: 0, host: '127.0.0.1', feeds: new FeedHealth(), log, deviceKeys,
      positions: {
        submit: (f: readonly PositionFix[]) => new Promise<void>((resolve) => gates.set(f[0].deviceId, () => (stored.push(f[0].deviceId), resolve()))),
      },
      alerts: { submit: async () => undefined, hasSource: async () => false },
    }))!
    const settled = (p: Promise<unknown>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 300))])
    try {
      const phone = await connectAsync(`mqtt://127.0.0.1:${ingest.status().port}`, { clientId: 'phone-p7', username: 'unit-0007', password: KEY })
      const acked = phone.publishAsync('owntracks/patrol/unit-0007', JSON.stringify(ownTracks), { qos: 1 })
      await vi.waitFor(() => expect(gates.has('unit-0007')).toBe(true), { timeout: 5000, interval: 10 })
      expect(await settled(acked)).toBe(false)
      gates.get('unit-0007')!()
      expect(await settled(acked)).toBe(true)
      await phone.endAsync()

      // One client, two topics: the second is stored first, but its PUBACK waits for the first one's.
      const simulator = await connectAsync(ingest.embeddedUrl!, { clientId: 'sim', reconnectPeriod: 0 })
      const first = simulator.publishAsync('owntracks/sim/unit-0001', JSON.stringify(ownTracks), { qos: 1 })
      const second = simulator.publishAsync('owntracks/sim/unit-0002', JSON.stringify(ownTracks), { qos: 1 })
      await vi.waitFor(() => expect(gates.has('unit-0002')).toBe(true), { timeout: 5000, interval: 10 })
      gates.get('unit-0002')!()
      expect(await settled(second)).toBe(false)
      gates.get('unit-0001')!()
      expect(await Promise.all([settled(first), settled(second)])).toEqual([true, true])
      expect(stored).toEqual(['unit-0007', 'unit-0002', 'unit-0001'])

      // Shut down while a message waits for its commit: the router lets it finish, and its PUBACK goes out before
      // the broker closes.
      const pending = simulator.publishAsync('owntracks/sim/unit-0003', JSON.stringify(ownTracks), { qos: 1 })
      await vi.waitFor(() => expect(gates.has('unit-0003')).toBe(true), { timeout: 5000, interval: 10 })
      const closing = ingest.close()
      gates.get('unit-0003')!()
      expect(await settled(pending)).toBe(true)
      await closing
      simulator.end(true)
    } finally {
      await ingest.close()
    }
  })

  it('leaves a message it could not store unacknowledged at shutdown, so the phone sends it again', async () => {
    let tries = 0
    const ingest = (await startMqttIngest({
      port: 0, host: '127.0.0.1', feeds: new FeedHealth(), log, deviceKeys,
      // The database is down: every try is a passing failure, and the router holds the message and retries.
      positions: {
        submit: async () => {
          tries++
          throw new Error('database unavailable')
        },
      },
      alerts: { submit: async () => undefined, hasSource: async () => false },
    }))!
    const phone = await connectAsync(`mqtt://127.0.0.1:${ingest.status().port}`, { clientId: 'phone-p7', username: 'unit-0007', password: KEY, reconnectPeriod: 0 })
    const closed = new Promise<void>((resolve) => phone.once('close', () => resolve()))
    let acknowledged = false
    phone.publish('owntracks/patrol/unit-0007', JSON.stringify(ownTracks), { qos: 1 }, (err) => (acknowledged = !err))
    await vi.waitFor(() => expect(tries).toBeGreaterThan(0), { timeout: 5000, interval: 10 })
    await ingest.close()
    await closed
    expect(acknowledged).toBe(false)
    // Still in the phone's outgoing store: sent again, as a duplicate, when it next connects.
    expect(Object.keys((phone as unknown as { outgoing: Record<string, unknown> }).outgoing)).toHaveLength(1)
    phone.end(true)
  })

  it('is off with MQTT_PORT=off and no MQTT_URL', async () => {
    const sinks = { positions: { submit: async () => undefined }, alerts: { submit: async () => undefined, hasSource: async () => false } }
    expect(await startMqttIngest({ port: 'off', host: '127.0.0.1', feeds: new FeedHealth(), log, deviceKeys, ...sinks })).toBeNull()
  })

  it('says clearly when the port is taken', async () => {
    const { broker: first } = await guardedBroker()
    try {
      await expect(guardedBroker(first.port)).rejects.toThrow(/MQTT port \d+ is in use.*MQTT_URL.*MQTT_PORT/)
    } finally {
      await first.close()
    }
  })
})

describe('embedded broker access', () => {
  const fixes: PositionFix[] = []
  let ingest: MqttIngest
  let port: number
  const start = (frigate?: { username: string; password: string }) =>
    startMqttIngest({
      port: 0, host: '127.0.0.1', clientId: `gw-test-${randomBytes(4).toString('hex')}`, feeds: new FeedHealth(), log, deviceKeys,
      positions: { submit: async (f: readonly PositionFix[]) => void fixes.push(...f) },
      alerts: { submit: async () => undefined, hasSource: async () => false },
      frigateCredential: frigate,
    }).then((i) => i!)
  const client = (username?: string, password?: string) =>
    connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `c-${randomBytes(3).toString('hex')}`, username, password, reconnectPeriod: 0 })
  /** Publishes at QoS 0 and resolves when the broker has closed the connection. */
  const publishRefused = (c: MqttClient, topic: string, payload: string) =>
    new Promise<void>((resolve) => {
      c.once('close', () => resolve())
      c.publish(topic, payload, { qos: 0 })
    })

  beforeAll(async () => {
    ingest = await start({ username: 'frigate', password: 'frigate-secret-0123456789' })
    await ingest.ready
    port = ingest.status().port!
  })
  afterAll(async () => {
    await ingest?.close()
  })

  it('refuses a wrong device key, an unknown device, no credential and a wrong internal password at CONNECT', async () => {
    for (const [user, pass] of [['unit-0007', 'wrong'], ['unit-0001', KEY], [undefined, undefined], ['gridwatch-internal', 'guess']] as const) {
      await expect(client(user, pass)).rejects.toThrow(/Bad username or password/)
    }
  })

  it('drops a device publishing to another device\'s topic, and refuses its subscription to everyone\'s', async () => {
    const phone = await client('unit-0007', KEY)
    // Refused in the SUBACK (0x80), which mqtt.js reports as an error.
    await expect(phone.subscribeAsync('owntracks/+/+', { qos: 1 })).rejects.toThrow(/Subscribe error/)
    expect((await phone.subscribeAsync('owntracks/patrol/unit-0007/cmd', { qos: 1 })).map((g) => g.qos)).toEqual([1])
    const before = fixes.length
    await publishRefused(phone, 'owntracks/patrol/unit-0001', JSON.stringify(ownTracks))
    expect(phone.connected).toBe(false)
    // Its own topic still works on a new connection: only the forbidden message was refused.
    const again = await client('unit-0007', KEY)
    await again.publishAsync('owntracks/patrol/unit-0007', JSON.stringify({ ...ownTracks, tst: ownTracks.tst + 1 }), { qos: 1 })
    await vi.waitFor(() => expect(fixes.length).toBe(before + 1), { timeout: 5000, interval: 20 })
    expect(fixes.at(-1)!.deviceId).toBe('unit-0007')
    await again.endAsync()
    await phone.endAsync(true)
  })

  it('lets Frigate in with its configured credential, to its own topics only', async () => {
    const frigate = await client('frigate', 'frigate-secret-0123456789')
    await frigate.publishAsync('frigate/available', 'online', { qos: 1 })
    await publishRefused(frigate, 'owntracks/patrol/unit-0007', JSON.stringify(ownTracks))
    expect(frigate.connected).toBe(false)
    await frigate.endAsync(true)
  })

  it('has no Frigate login unless a password is configured', async () => {
    const other = await start()
    try {
      await other.ready
      const url = `mqtt://127.0.0.1:${other.status().port}`
      await expect(connectAsync(url, { username: 'frigate', password: 'frigate', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password/)
      // A fresh internal credential each start: the other ingest's does not open this broker.
      const stale = new URL(ingest.embeddedUrl!)
      stale.port = String(other.status().port)
      await expect(connectAsync(stale.toString(), { reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password/)
    } finally {
      await other.close()
    }
  })
})

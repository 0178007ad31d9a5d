import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { connectAsync } from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { cameraDirectory } from '../alerts/camera-directory.ts'
import { AlertIngest } from '../alerts/alert-store.ts'
import { loadDeviceRegistry } from '../ingest/device-registry.ts'
import { FeedHealth } from '../ingest/feed-health.ts'
import { PositionPipeline } from '../ingest/position-pipeline.ts'
import { PositionWriter } from '../ingest/position-writer.ts'
import { describeBackends } from '../testing/backends.ts'
import { canRunPrivateMosquitto, shippedBrokerLimits, startPrivateMosquitto } from '../testing/private-mosquitto.ts'
import { insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { startMqttIngest, type MqttIngestOptions } from './mqtt-ingest.ts'

const log = pino({ level: 'silent' })
const sample = JSON.parse(readFileSync(new URL('../../geo/ingest/fixtures/owntracks-location.json', import.meta.url), 'utf8'))
const now = () => new Date((sample.tst + 60) * 1000)
/** More than Debian's default max_queued_messages (1,000), past which Mosquitto drops a subscriber's messages. */
const BURST = 3000

/**
 * The deployment's broker settings (deploy/mosquitto/mosquitto.conf) keep every message a phone sent while
 * gridwatch was away, however many more than Mosquitto's default 1,000: the phones were told they were
 * delivered, so a message the broker dropped would be a position lost without anyone knowing.
 */
describeBackends('Mosquitto as shipped, while gridwatch is away', ({ db }) => {
  let broker: Awaited<ReturnType<typeof startPrivateMosquitto>> | undefined
  let writer: PositionWriter
  let options: MqttIngestOptions

  beforeAll(async () => {
    if (!canRunPrivateMosquitto()) return
    broker = await startPrivateMosquitto(shippedBrokerLimits())
    const grids = await insertTrackingFixture(db())
    writer = new PositionWriter(db(), log)
    const pipeline = new PositionPipeline(await loadDeviceRegistry(db()), grids, writer, undefined, now)
    options = {
      url: broker.url, port: 0, host: '127.0.0.1', clientId: `gw-test-${randomBytes(4).toString('hex')}`,
      positions: pipeline, alerts: new AlertIngest(db(), cameraDirectory(db()), grids, { publish: () => {}, now }),
      feeds: new FeedHealth(), log, deviceKeys: { verify: async () => false },
    }
  })

  afterAll(async () => {
    await writer?.close()
    await broker?.stop()
  })

  it.skipIf(!canRunPrivateMosquitto())(`stores all of a ${BURST}-message burst sent while it was down`, async () => {
    expect(shippedBrokerLimits()).toEqual(expect.arrayContaining([expect.stringMatching(/^max_queued_messages \d+$/)]))
    // A first start leaves gridwatch's persistent session (clean: false) on the broker, then it goes away.
    const first = (await startMqttIngest(options))!
    await first.ready
    await first.close()

    const phone = await connectAsync(broker!.url, { clientId: 'phone-unit-0007', clean: true })
    for (let i = 0; i < BURST; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, BURST - i) }, (_, k) =>
        phone.publishAsync('owntracks/patrol/unit-0007', JSON.stringify({ ...sample, tst: sample.tst - BURST + i + k }), { qos: 1 })))
    }
    await phone.endAsync()

    const again = (await startMqttIngest(options))!
    try {
      const stored = async () => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM position_history WHERE unit_id = 'unit-0007'`)).rows[0].n
      await vi.waitFor(async () => expect(await stored()).toBe(BURST), { timeout: 60_000, interval: 200 })
    } finally {
      await again.close()
    }
  })
})

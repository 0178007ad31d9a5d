import { hostname } from 'node:os'
import type { FeedHealth } from '../ingest/feed-health.ts'
import type { Logger } from '../logger.ts'
import { mqttAccess, newInternalCredential, type MqttAccessOptions, type MqttCredential } from '../auth/mqtt-access.ts'
import type { DeviceKeys } from '../auth/device-keys.ts'
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts'
import { connectMqtt, redactUrl, type MqttConnection } from './mqtt-connection.ts'
import { publishIngest } from './publish-ingest.ts'
import { frigateRoutes, ownTracksRoute, type AlertSink, type FrigateFeedOptions } from './mqtt-feeds.ts'
import type { PositionSink } from '../ingest/coalesced-positions.ts'
import { TopicRouter } from './topic-router.ts'

export interface MqttIngestOptions {
  /** MQTT_URL: an external broker (Mosquitto, EMQX). Unset: the embedded broker. */
  url?: string
  /** MQTT_PORT for the embedded broker (default 1883; 0 = any free port; `off` = no MQTT at all without MQTT_URL). */
  port: number | 'off'
  /** Where the embedded broker listens (the server's HOST). */
  host: string
  /** MQTT_CLIENT_ID; default `gridwatch-<hostname>`. Each server process needs its own. */
  clientId?: string
  /** MQTT_TOPIC_PREFIX, put before every subscription (`owntracks/+/+`, `frigate/reviews`, ...). */
  topicPrefix?: string
  frigate?: FrigateFeedOptions
  positions: PositionSink
  alerts: AlertSink
  feeds: FeedHealth
  log: Logger
  /** Phones log in to the embedded broker with their device id and device key. */
  deviceKeys: Pick<DeviceKeys, 'verify'>
  /** MQTT_FRIGATE_USER / MQTT_FRIGATE_PASSWORD: Frigate's login to the embedded broker (none: no Frigate). */
  frigateCredential?: MqttCredential
  /** Where the embedded broker records refused logins. */
  audit?: MqttAccessOptions['audit']
}

export interface MqttIngestStatus {
  broker: 'embedded' | 'external'
  /** The broker our client talks to, password redacted. */
  url: string
  /** The embedded broker's port, for devices to connect to. */
  port: number | null
  connected: boolean
}

/** `mqtt://host:port` with a user name and password in it (mqtt.js logs in with them). */
function withCredential(url: string, c: MqttCredential): string {
  const u = new URL(url)
  u.username = c.username
  u.password = c.password
  return u.toString()
}

export interface MqttIngest {
  /** Resolves once subscribed (at once for the embedded broker; whenever an external broker is reachable). */
  ready: Promise<void>
  status(): MqttIngestStatus
  /**
   * The embedded broker's URL with this start's internal credential, for gridwatch's own in-process clients (the
   * simulator); null with an external broker. Never log it: it is a password.
   */
  embeddedUrl: string | null
  /** Stop taking messages, let those being stored commit (and be acknowledged), disconnect, stop the broker. */
  close(): Promise<void>
}

/**
 * Position and camera-alert ingest over MQTT: OwnTracks and Frigate, through the same topic router, from the
 * broker at MQTT_URL (our client subscribes, and acknowledges each message after its commit) or, without one,
 * from the embedded broker, which hands each publish to the router before it acknowledges it
 * (publish-ingest.ts). Returns null when MQTT is off. Close it before the position writer: messages in flight
 * are still committing.
 */
export async function startMqttIngest(opts: MqttIngestOptions): Promise<MqttIngest | null> {
  if (!opts.url && opts.port === 'off') {
    opts.log.info('MQTT ingest off (no MQTT_URL, MQTT_PORT=off)')
    return null
  }
  const router = new TopicRouter(
    [ownTracksRoute(opts.positions), ...(await frigateRoutes(opts.alerts, opts.frigate))],
    { feeds: opts.feeds, log: opts.log.child({ component: 'mqtt-ingest' }), prefix: opts.topicPrefix },
  )
  const deliver = (topic: string, payload: Buffer) => router.deliver(topic, payload)
  let closing: Promise<void> | undefined
  if (opts.url) {
    const connection: MqttConnection = connectMqtt({
      url: opts.url, clientId: opts.clientId ?? `gridwatch-${hostname()}`, subscriptions: router.subscriptions, deliver, log: opts.log,
    })
    return {
      ready: connection.ready,
      status: () => ({ broker: 'external', url: redactUrl(opts.url!), port: null, connected: connection.connected() }),
      embeddedUrl: null,
      close: () =>
        (closing ??= (async () => {
          await router.close()
          await connection.close()
        })()),
    }
  }
  const internal = newInternalCredential()
  const access = mqttAccess({
    deviceKeys: opts.deviceKeys, internal, frigate: opts.frigateCredential,
    frigateTopic: opts.frigate?.topic, topicPrefix: opts.topicPrefix, audit: opts.audit,
  })
  const ingest = publishIngest(access.authorizePublish!, deliver)
  const broker: EmbeddedBroker = await startEmbeddedBroker({
    port: opts.port as number, host: opts.host, log: opts.log, access: { ...access, authorizePublish: ingest.authorizePublish },
  })
  let open = true
  // For gridwatch's own clients (the simulator): they publish as anyone may, through the same hook.
  const url = withCredential(broker.url, internal)
  return {
    ready: Promise.resolve(),
    status: () => ({ broker: 'embedded', url: redactUrl(url), port: broker.port, connected: open }),
    embeddedUrl: url,
    close: () =>
      (closing ??= (async () => {
        open = false
        // The router first: what is committing finishes and is acknowledged; what is not taken any more is
        // refused, and its device sends it again to the next start.
        await router.close()
        await ingest.answered()
        await broker.close()
      })()),
  }
}

import type { Logger } from '../../server/logger.ts'
import { redactUrl } from '../../server/mqtt/mqtt-connection.ts'

/**
 * One MQTT connection for all simulated MQTT devices and cameras (a broker sees one client; each device still
 * publishes its own messages one by one). The `mqtt` package is loaded on demand: without it, or without a
 * broker URL, the MQTT senders are skipped and say so once.
 */
export interface MqttLink {
  readonly connected: boolean
  /** Rejects when not connected or when the broker does not acknowledge within the timeout. */
  publish(topic: string, payload: string, qos: 0 | 1): Promise<void>
  close(): Promise<void>
}

interface MqttClientLike {
  connected: boolean
  on(event: 'connect' | 'offline' | 'close', fn: () => void): unknown
  on(event: 'error', fn: (err: Error) => void): unknown
  publish(topic: string, message: string, opts: { qos: 0 | 1 }, cb: (err?: Error) => void): unknown
  endAsync(force?: boolean): Promise<void>
}

const PUBLISH_TIMEOUT_MS = 15_000
const CONNECT_WAIT_MS = 5000

/** `url` may carry a user name and password (`mqtt://user:secret@host:1883`); the logs show it redacted. */
export async function connectMqtt(url: string, options: { clientId: string; log: Logger }): Promise<MqttLink | null> {
  const { log } = options
  const shown = redactUrl(url)
  let connect: (url: string, opts: Record<string, unknown>) => MqttClientLike
  try {
    const mod = (await import('mqtt')) as unknown as { connect?: typeof connect; default?: { connect: typeof connect } }
    const fn = mod.connect ?? mod.default?.connect
    if (!fn) throw new Error('mqtt.connect not found')
    connect = fn
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'simulator: the mqtt package is not installed; OwnTracks-over-MQTT and Frigate senders are skipped')
    return null
  }

  const client = connect(url, { clientId: options.clientId, reconnectPeriod: 2000, connectTimeout: 10_000, clean: true })
  let everConnected = false
  let down = false
  client.on('connect', () => {
    if (!everConnected) log.info({ url: shown }, 'simulator: connected to the MQTT broker')
    else if (down) log.info({ url: shown }, 'simulator: reconnected to the MQTT broker')
    everConnected = true
    down = false
  })
  const lost = (reason: string) => {
    if (down) return
    down = true
    log.warn({ url: shown, reason }, 'simulator: MQTT broker unreachable; retrying every 2 s')
  }
  client.on('offline', () => lost('offline'))
  client.on('error', (err) => lost(err.message))
  // Give the first connection a moment, so the first messages do not start with a back-off.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CONNECT_WAIT_MS)
    client.on('connect', () => {
      clearTimeout(timer)
      resolve()
    })
  })

  return {
    get connected() {
      return client.connected
    },
    publish(topic, payload, qos) {
      if (!client.connected) return Promise.reject(new Error('not connected'))
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no acknowledgement')), PUBLISH_TIMEOUT_MS)
        client.publish(topic, payload, { qos }, (err) => {
          clearTimeout(timer)
          if (err) reject(err)
          else resolve()
        })
      })
    },
    async close() {
      await client.endAsync(true)
    },
  }
}

import { connect, type IClientOptions } from 'mqtt'
import type { Logger } from '../logger.ts'

export interface MqttConnectionOptions {
  url: string
  /**
   * Stable across restarts: the broker keeps this client's session (subscriptions, unacknowledged QoS 1
   * messages) while it is away and redelivers them on reconnect. Two processes must not share one.
   */
  clientId: string
  subscriptions: readonly string[]
  /** Resolves true when the message may be acknowledged, false to leave it unacknowledged. */
  deliver(topic: string, payload: Buffer): Promise<boolean>
  log: Logger
  /** Reconnect delay (ms). */
  reconnectMs?: number
}

export interface MqttConnection {
  /** Resolves when the subscriptions are first granted (never, if the broker cannot be reached). */
  ready: Promise<void>
  connected(): boolean
  /** Disconnects without acknowledging anything still held back. */
  close(): Promise<void>
}

/** `mqtt://user:secret@host` -> `mqtt://user:***@host`, for logs and status pages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(invalid url)'
  }
}

/**
 * Gridwatch's MQTT client, the same whether the broker is Mosquitto/EMQX or the embedded one: a persistent
 * session (clean: false) with QoS 1 subscriptions, reconnecting for ever, and every message acknowledged only
 * when `deliver` says so. mqtt.js hands messages over one at a time and sends the PUBACK in handleMessage's
 * callback, so that callback runs only after the message's records are committed.
 */
export function connectMqtt(opts: MqttConnectionOptions): MqttConnection {
  const log = opts.log.child({ component: 'mqtt', broker: redactUrl(opts.url) })
  const clientOptions: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: 4,
    keepalive: 30,
    reconnectPeriod: opts.reconnectMs ?? 2000,
    connectTimeout: 10_000,
    // We subscribe on every connection ourselves (below), whether or not the broker kept the session.
    resubscribe: false,
  }
  const client = connect(opts.url, clientOptions)
  let closed = false
  // Which connection a message came on. A PUBACK is only sent on that connection: mqtt.js would queue one
  // made while disconnected and send it on the next connection, where the packet id may by then name another
  // message. A message whose connection is gone is redelivered by the broker and acknowledged then.
  let connection = 0
  client.on('close', () => connection++)

  client.handleMessage = (packet, done) => {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)
    const on = connection
    void opts.deliver(packet.topic, payload).then((ack) => {
      if (ack && on === connection && !closed) done()
    })
  }

  let resolveReady!: () => void
  const ready = new Promise<void>((resolve) => (resolveReady = resolve))
  client.on('connect', (connack) => {
    log.info({ sessionPresent: connack.sessionPresent }, 'connected to MQTT broker')
    const wanted = Object.fromEntries(opts.subscriptions.map((t) => [t, { qos: 1 as const }]))
    client.subscribe(wanted, (err, granted) => {
      if (err) {
        if (!closed) log.error({ err: err.message }, 'MQTT subscribe failed')
        return
      }
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic)
      if (refused.length) log.error({ topics: refused }, 'MQTT broker refused subscriptions')
      else resolveReady()
    })
  })
  client.on('reconnect', () => log.debug('reconnecting to MQTT broker'))
  client.on('offline', () => {
    if (!closed) log.warn('MQTT broker unreachable; retrying')
  })
  // Connection refused, bad credentials, protocol errors: logged, and the client keeps reconnecting.
  client.on('error', (err) => log.warn({ err: err.message }, 'MQTT client error'))

  return {
    ready,
    connected: () => client.connected,
    async close() {
      closed = true
      await client.endAsync(true)
    },
  }
}

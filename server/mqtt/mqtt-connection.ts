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
  /**
   * Messages being handled at once, at most (default 5000: enough to keep two commits full at 25,000 messages a
   * second); past this, mqtt.js stops reading the socket.
   */
  maxInFlight?: number
}

/** Answered to mqtt.js for a QoS 1 message: "do not acknowledge it (yet)"; we send its PUBACK after the commit. */
const HELD = new Error('acknowledged after commit')

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
 * when `deliver` says so.
 *
 * mqtt.js hands messages over one at a time and would send each PUBACK from handleMessage's callback, so one
 * message would have to commit before the next could even be read: one transaction per message. Instead the
 * callback is answered at once with HELD (which mqtt.js takes as "no PUBACK") and up to `maxInFlight` messages
 * are handled together, sharing the writer's commits (the router keeps a topic in order where its feed needs
 * that). PUBACKs go out in the order the messages came, as MQTT requires, each only once its message and all
 * before it are answered.
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
  // mqtt.js's own way of sending a packet (its handlers call it the same way); checked so an upgrade that
  // renames it fails here, loudly, rather than leaving every message unacknowledged.
  const sendPacket = (client as unknown as { _sendPacket?: (packet: { cmd: 'puback'; messageId: number }) => void })._sendPacket?.bind(client)
  if (!sendPacket) throw new Error('this mqtt.js version has no _sendPacket: the PUBACK path needs updating')
  const maxInFlight = opts.maxInFlight ?? 5000
  let closed = false
  // Which connection a message came on. A PUBACK is only sent on that connection: mqtt.js would queue one
  // made while disconnected and send it on the next connection, where the packet id may by then name another
  // message. A message whose connection is gone is redelivered by the broker and acknowledged then.
  let connection = 0
  /** This connection's QoS 1 messages not yet acknowledged, in the order they came. */
  let unanswered: Array<{ messageId: number; ack: boolean | null }> = []
  let inFlight = 0
  let paused: (() => void) | null = null
  client.on('close', () => {
    connection++
    unanswered = []
  })

  const flush = () => {
    while (unanswered.length && unanswered[0].ack !== null) {
      const m = unanswered.shift()!
      // Left unacknowledged (closing): the broker redelivers it, and the ones after it, next session.
      if (!m.ack || closed) {
        unanswered = []
        return
      }
      sendPacket({ cmd: 'puback', messageId: m.messageId })
    }
  }

  client.handleMessage = (packet, done) => {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)
    const topic = packet.topic
    const entry = packet.qos === 1 ? { messageId: packet.messageId!, ack: null as boolean | null } : null
    if (entry) unanswered.push(entry)
    const on = connection
    inFlight++
    const handled = opts.deliver(topic, payload)
    void handled.then((ack) => {
      inFlight--
      if (paused && inFlight < maxInFlight) {
        const resume = paused
        paused = null
        resume()
      }
      if (!entry) return
      entry.ack = ack
      if (on === connection) flush()
    })
    // QoS 2 never arrives (we subscribe at QoS 1); QoS 0 needs no acknowledgement.
    const next = () => (entry ? done(HELD) : done())
    if (inFlight < maxInFlight) next()
    else paused = next
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

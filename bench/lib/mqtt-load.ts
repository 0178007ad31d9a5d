/**
 * Child process that plays OwnTracks phones over MQTT. Each device has its own connection and logs in as itself
 * (device id and key), as the broker requires; connecting is done first and not timed. On "go" every device
 * publishes its messages in order at QoS 1, a few awaiting the broker's PUBACK at a time, as a phone flushing its
 * queue does. The broker acknowledging is not the message being stored; the parent watches the database for that.
 */
import { connectAsync, type MqttClient } from 'mqtt'
import { generate } from 'mqtt-packet'

export interface MqttDevice {
  username: string
  password: string
  messages: Array<{ topic: string; payload: string }>
}

export interface MqttJob {
  url: string
  /** Per device: messages published but not yet acknowledged by the broker, at most. */
  inFlight: number
  devices: MqttDevice[]
}

export interface MqttResult {
  /** Until the broker acknowledged the last message. */
  publishedMs: number
  firstError?: string
}

const CONNECTS_AT_ONCE = 50

async function connectAll(job: MqttJob): Promise<MqttClient[]> {
  const clients: MqttClient[] = new Array(job.devices.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(CONNECTS_AT_ONCE, job.devices.length) }, async () => {
      while (next < job.devices.length) {
        const i = next++
        const d = job.devices[i]
        clients[i] = await connectAsync(job.url, {
          clientId: `gw-bench-${process.pid}-${i}`, username: d.username, password: d.password,
          clean: true, protocolVersion: 4, reconnectPeriod: 0,
        })
      }
    }),
  )
  return clients
}

/**
 * Publishes by writing each device's PUBLISH packets straight to its connection, and counts the broker's PUBACKs
 * off the socket itself (mqtt.js is unhooked from it once connected). Through mqtt.js this process took 56-65 % of
 * a core at 11,000 messages a second, and on two cores it, not the server, set the rate; now 40-44 %, most of it
 * the 10,000 connections' reads and writes.
 */
async function publishAll(clients: MqttClient[], packets: Buffer[][], inFlight: number): Promise<MqttResult> {
  let firstError: string | undefined
  const t0 = performance.now()
  await Promise.all(
    clients.map(
      (client, i) =>
        new Promise<void>((resolve) => {
          const mine = packets[i]
          const socket = client.stream
          let sent = 0
          let acked = 0
          const send = (n: number) => {
            const batch = mine.slice(sent, sent + n)
            sent += batch.length
            if (batch.length) socket.write(batch.length === 1 ? batch[0] : Buffer.concat(batch))
          }
          const acks = new AckCounter((n) => {
            acked += n
            if (acked >= mine.length) {
              socket.off('data', onData)
              resolve()
            } else send(n)
          })
          const onData = (chunk: Buffer) => acks.read(chunk)
          socket.unpipe()
          socket.on('data', onData)
          // The pipe may have paused the socket for mqtt.js's sake; a new listener alone would not restart it.
          socket.resume()
          socket.once('close', () => {
            if (acked < mine.length) firstError ??= `device ${i}: connection closed after ${acked} of ${mine.length} acknowledgements`
            resolve()
          })
          if (mine.length === 0) resolve()
          send(inFlight)
        }),
    ),
  )
  return { publishedMs: performance.now() - t0, ...(firstError ? { firstError } : {}) }
}

/** Splits a broker's byte stream into MQTT packets and reports how many PUBACKs each chunk completed. */
class AckCounter {
  private pending: Buffer = Buffer.alloc(0)

  constructor(private readonly onAcks: (n: number) => void) {}

  read(chunk: Buffer): void {
    let buf: Buffer = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    let n = 0
    for (;;) {
      // Fixed header: type in the high nibble, then the remaining length as a base-128 varint.
      let length = 0
      let k = 1
      for (let shift = 0; k < buf.length; k++, shift += 7) {
        length += (buf[k] & 0x7f) * 2 ** shift
        if ((buf[k] & 0x80) === 0) break
      }
      if (k >= buf.length || buf.length < k + 1 + length) break
      if (buf[0] >> 4 === 4) n++
      buf = buf.subarray(k + 1 + length)
    }
    this.pending = buf
    if (n) this.onAcks(n)
  }
}

let clients: MqttClient[] = []
let job: MqttJob | undefined
/** Each device's PUBLISH packets, encoded while connecting, before the clock starts. */
let packets: Buffer[][] = []

process.on('message', (m: MqttJob | { kind: 'stop' } | { kind: 'go' }) => {
  if ('kind' in m && m.kind === 'stop') {
    void Promise.allSettled(clients.map((c) => c.endAsync())).then(() => process.exit(0))
    return
  }
  if ('kind' in m) {
    publishAll(clients, packets, job!.inFlight).then(
      (r) => process.send!(r),
      (err: Error) => process.send!({ publishedMs: NaN, firstError: err.stack } satisfies MqttResult),
    )
    return
  }
  job = m
  packets = m.devices.map((d) =>
    d.messages.map((msg, k) => generate({ cmd: 'publish', qos: 1, messageId: k + 1, topic: msg.topic, payload: msg.payload, retain: false, dup: false })),
  )
  connectAll(m).then(
    (c) => {
      clients = c
      process.send!({ connected: c.length })
    },
    (err: Error) => process.send!({ publishedMs: NaN, firstError: `connecting: ${err.message}` } satisfies MqttResult),
  )
})
process.send!({ ready: true })

/**
 * Child process that plays OwnTracks phones over MQTT. Each device has its own connection and logs in as itself
 * (device id and key), as the broker requires; connecting is done first and not timed. On "go" every device
 * publishes its messages in order at QoS 1, a few awaiting the broker's PUBACK at a time, as a phone flushing its
 * queue does. The broker acknowledging is not the message being stored; the parent watches the database for that.
 */
import { connectAsync, type MqttClient } from 'mqtt'

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

async function publishAll(job: MqttJob, clients: MqttClient[]): Promise<MqttResult> {
  let firstError: string | undefined
  const t0 = performance.now()
  await Promise.all(
    job.devices.map(async (d, i) => {
      let next = 0
      await Promise.all(
        Array.from({ length: job.inFlight }, async () => {
          while (next < d.messages.length) {
            const m = d.messages[next++]
            try {
              await clients[i].publishAsync(m.topic, m.payload, { qos: 1 })
            } catch (err) {
              firstError ??= (err as Error).message
            }
          }
        }),
      )
    }),
  )
  return { publishedMs: performance.now() - t0, ...(firstError ? { firstError } : {}) }
}

let clients: MqttClient[] = []
let job: MqttJob | undefined

process.on('message', (m: MqttJob | { kind: 'stop' } | { kind: 'go' }) => {
  if ('kind' in m && m.kind === 'stop') {
    void Promise.allSettled(clients.map((c) => c.endAsync())).then(() => process.exit(0))
    return
  }
  if ('kind' in m) {
    publishAll(job!, clients).then(
      (r) => process.send!(r),
      (err: Error) => process.send!({ publishedMs: NaN, firstError: err.stack } satisfies MqttResult),
    )
    return
  }
  job = m
  connectAll(m).then(
    (c) => {
      clients = c
      process.send!({ connected: c.length })
    },
    (err: Error) => process.send!({ publishedMs: NaN, firstError: `connecting: ${err.message}` } satisfies MqttResult),
  )
})
process.send!({ ready: true })

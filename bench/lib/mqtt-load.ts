/**
 * Child process that plays OwnTracks phones over MQTT: publishes prepared messages at QoS 1 with a bounded
 * number awaiting the broker's PUBACK. The broker acknowledging is not the message being stored; the parent
 * watches the database for that.
 */
import { connectAsync } from 'mqtt'

export interface MqttJob {
  url: string
  /** Messages published but not yet acknowledged by the broker, at most. */
  inFlight: number
  messages: Array<{ topic: string; payload: string }>
}

export interface MqttResult {
  /** Until the broker acknowledged the last message. */
  publishedMs: number
  firstError?: string
}

async function run(job: MqttJob): Promise<MqttResult> {
  const client = await connectAsync(job.url, { clientId: `gw-bench-${process.pid}`, clean: true, protocolVersion: 4, reconnectPeriod: 0 })
  let firstError: string | undefined
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: job.inFlight }, async () => {
      while (next < job.messages.length) {
        const m = job.messages[next++]
        try {
          await client.publishAsync(m.topic, m.payload, { qos: 1 })
        } catch (err) {
          firstError ??= (err as Error).message
        }
      }
    }),
  )
  const publishedMs = performance.now() - t0
  await client.endAsync()
  return { publishedMs, ...(firstError ? { firstError } : {}) }
}

process.on('message', (m: MqttJob | { kind: 'stop' }) => {
  if ('kind' in m) process.exit(0)
  run(m).then(
    (r) => process.send!(r),
    (err: Error) => process.send!({ publishedMs: NaN, firstError: err.stack } satisfies MqttResult),
  )
})
process.send!({ ready: true })

import type { AedesOptions, Client } from 'aedes'
import { KeyedSeries } from './keyed-series.ts'

type AuthorizePublish = NonNullable<AedesOptions['authorizePublish']>

/**
 * The embedded broker's way in: every PUBLISH that passes the access check is handed to the ingest before the
 * broker answers it. aedes writes a QoS 1 PUBACK only once authorizePublish has called back, so holding that
 * callback until the message is committed makes the phone's PUBACK mean "stored". (Over loopback to our own
 * client, as with an external broker, aedes would PUBACK the phone first and lose what it had acknowledged but
 * not yet handed on if the process stopped: the broker lives and dies with this process.)
 *
 * Messages on one topic are handled in the order they came; PUBACKs to one client go out in the order its
 * messages came, as MQTT requires; different clients' messages share the writer's commits. A message the
 * ingest does not take (it is closing) is answered with an error: aedes drops the connection without a PUBACK
 * and the device sends it again.
 */
export interface PublishIngest {
  authorizePublish: AuthorizePublish
  /** Resolves once every publish taken so far has been answered and its answer handed to the socket. */
  answered(): Promise<void>
}

export function publishIngest(authorize: AuthorizePublish, deliver: (topic: string, payload: Buffer) => Promise<boolean>): PublishIngest {
  const byTopic = new KeyedSeries()
  const answered = new WeakMap<Client, Promise<unknown>>()
  const open = new Set<Promise<unknown>>()
  const authorizePublish: AuthorizePublish = (client, packet, done) => {
    authorize(client, packet, (refused) => {
      // A broker-side publish (no client) or a refused one is not ours to store.
      if (refused || !client) return done(refused)
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)
      const stored = byTopic.run(packet.topic, () => deliver(packet.topic, payload))
      const turn = (answered.get(client) ?? Promise.resolve()).then(() => stored, () => stored)
      answered.set(client, turn)
      const reply = turn.then(
        (ok) => done(ok ? null : new Error('not stored (shutting down): send it again')),
        (err: Error) => done(err),
      )
      open.add(reply)
      void reply.finally(() => open.delete(reply))
    })
  }
  return {
    authorizePublish,
    async answered() {
      await Promise.allSettled([...open])
      // aedes writes the PUBACK from the callback; one turn of the loop lets it reach the socket.
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}

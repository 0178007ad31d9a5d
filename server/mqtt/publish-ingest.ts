import type { AedesOptions, Client } from 'aedes'

type AuthorizePublish = NonNullable<AedesOptions['authorizePublish']>
type Answer = Parameters<AuthorizePublish>[2]

/** One publish waiting for its answer; `error` stays undefined until its message is handled. */
interface Turn {
  done: Answer
  error: Error | null | undefined
}

/**
 * The embedded broker's way in: every PUBLISH that passes the access check is handed to the ingest before the
 * broker answers it. aedes writes a QoS 1 PUBACK only once authorizePublish has called back, so holding that
 * callback until the message is committed makes the phone's PUBACK mean "stored". (Over loopback to our own
 * client, as with an external broker, aedes would PUBACK the phone first and lose what it had acknowledged but
 * not yet handed on if the process stopped: the broker lives and dies with this process.)
 *
 * PUBACKs to one client go out in the order its messages came, as MQTT requires, whatever order they are
 * stored in (the router keeps a topic in order where its feed needs that); messages share the writer's commits.
 * A message the ingest does not take (it is closing) is answered with an error: aedes drops the connection
 * without a PUBACK and the device sends it again.
 */
export interface PublishIngest {
  authorizePublish: AuthorizePublish
  /** Resolves once no publish is waiting for its answer and the last answers were handed to the socket. */
  answered(): Promise<void>
}

export function publishIngest(authorize: AuthorizePublish, deliver: (topic: string, payload: Buffer) => Promise<boolean>): PublishIngest {
  // Per client, its publishes not yet answered, oldest first. Plain callbacks rather than a chain of promises
  // per message: at thousands of messages a second the chain was a large share of the broker's CPU.
  const waiting = new Map<Client, Turn[]>()
  let unanswered = 0
  const idle: Array<() => void> = []

  /** Answers the client's publishes from the oldest while they are handled: a PUBACK never overtakes an older one. */
  const answerInOrder = (client: Client, turns: Turn[]) => {
    let n = 0
    while (n < turns.length && turns[n].error !== undefined) n++
    if (n === 0) return
    const ready = turns.splice(0, n)
    if (turns.length === 0) waiting.delete(client)
    unanswered -= n
    for (const t of ready) t.done(t.error!)
    if (unanswered === 0) for (const wake of idle.splice(0)) wake()
  }

  const authorizePublish: AuthorizePublish = (client, packet, done) => {
    authorize(client, packet, (refused) => {
      // A broker-side publish (no client) or a refused one is not ours to store.
      if (refused || !client) return done(refused)
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)
      const topic = packet.topic
      const turn: Turn = { done, error: undefined }
      let turns = waiting.get(client)
      if (!turns) waiting.set(client, (turns = []))
      turns.push(turn)
      unanswered++
      const queue = turns
      deliver(topic, payload).then(
        (ok) => {
          turn.error = ok ? null : new Error('not stored (shutting down): send it again')
          answerInOrder(client, queue)
        },
        (err: Error) => {
          turn.error = err
          answerInOrder(client, queue)
        },
      )
    })
  }
  return {
    authorizePublish,
    async answered() {
      if (unanswered > 0) await new Promise<void>((resolve) => idle.push(resolve))
      // aedes writes the PUBACK from the callback; one turn of the loop lets it reach the socket.
      await new Promise((resolve) => setImmediate(resolve))
    },
  }
}

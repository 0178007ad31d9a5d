import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AedesOptions, AuthenticateError, Client } from 'aedes'
import type { DeviceKeys } from './device-keys.ts'

export interface MqttCredential {
  username: string
  password: string
}

/** Gridwatch's own clients (the ingest subscriber, the in-process simulator): a fresh secret every start. */
export function newInternalCredential(): MqttCredential {
  return { username: 'gridwatch-internal', password: randomBytes(24).toString('base64url') }
}

export interface MqttAccessOptions {
  deviceKeys: Pick<DeviceKeys, 'verify'>
  /** May publish and subscribe anywhere. */
  internal: MqttCredential
  /** Frigate (MQTT_FRIGATE_USER / MQTT_FRIGATE_PASSWORD); without it no Frigate can connect. */
  frigate?: MqttCredential
  /** Frigate's mqtt.topic_prefix (default `frigate`): the only topics Frigate may use. */
  frigateTopic?: string
  /** MQTT_TOPIC_PREFIX, before every topic. */
  topicPrefix?: string
}

type Identity = { kind: 'internal' } | { kind: 'frigate' } | { kind: 'device'; deviceId: string }

function sameSecret(given: Buffer, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (b: Buffer | string) => createHash('sha256').update(b).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

function refused(): AuthenticateError {
  return Object.assign(new Error('bad user name or password'), { returnCode: 4 as AuthenticateError['returnCode'] })
}

/**
 * Who may use the embedded broker. A phone connects with user name = its device id and password = its device key
 * (the key its HTTP posts carry) and may publish only to `owntracks/<user>/<its id>` and subscribe only below that
 * topic, so it can neither pose as another unit nor follow anyone's track. Frigate may use only its own topics.
 * Anything else is refused: at CONNECT (return code 4), or by closing the connection on a forbidden PUBLISH.
 */
export function mqttAccess(opts: MqttAccessOptions): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> {
  const prefix = opts.topicPrefix ?? ''
  const frigateTopic = `${prefix}${opts.frigateTopic ?? 'frigate'}/`
  const identities = new WeakMap<Client, Identity>()
  const ownTracks = `${prefix}owntracks/`

  /** `owntracks/<user>/<device>[/...]` with a literal user and this device: its own topic tree. */
  const ownsTopic = (deviceId: string, topic: string) => {
    if (!topic.startsWith(ownTracks)) return false
    const [user, device] = topic.slice(ownTracks.length).split('/')
    return Boolean(user) && !/[+#]/.test(user) && device === deviceId
  }
  const allowed = (client: Client | null, topic: string): boolean => {
    // A null client is the broker itself (e.g. $SYS): not a client's message.
    if (!client) return true
    const who = identities.get(client)
    if (!who) return false
    if (who.kind === 'internal') return true
    if (who.kind === 'frigate') return topic.startsWith(frigateTopic)
    return ownsTopic(who.deviceId, topic)
  }

  return {
    authenticate(client, username, password, done) {
      if (!username || !password) return done(refused(), false)
      if (username === opts.internal.username && sameSecret(password, opts.internal.password)) {
        identities.set(client, { kind: 'internal' })
        return done(null, true)
      }
      if (opts.frigate && username === opts.frigate.username && sameSecret(password, opts.frigate.password)) {
        identities.set(client, { kind: 'frigate' })
        return done(null, true)
      }
      opts.deviceKeys.verify(username, password.toString('utf8')).then(
        (ok) => {
          if (!ok) return done(refused(), false)
          identities.set(client, { kind: 'device', deviceId: username })
          done(null, true)
        },
        (err: Error) => done(Object.assign(err, { returnCode: 3 as AuthenticateError['returnCode'] }), false),
      )
    },
    authorizePublish(client, packet, done) {
      done(allowed(client, packet.topic) ? null : new Error(`not allowed to publish to ${packet.topic}`))
    },
    authorizeSubscribe(client, sub, done) {
      // A refused subscription is answered with failure (0x80) in the SUBACK; the connection stays up.
      done(null, allowed(client, sub.topic) ? sub : null)
    },
  }
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AedesOptions, AuthenticateError, Client } from 'aedes'
import type { DeviceKeys } from './device-keys.ts'
import type { AuditLog } from '../audit/audit-log.ts'
import { SlidingWindowLimit } from './rate-limit.ts'

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
  /** Where refused logins are recorded (action `auth.mqtt_refused`); none in tests that do not look. */
  audit?: Pick<AuditLog, 'record'>
  now?: () => number
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

type RefusalReason = 'missing_credentials' | 'wrong_password' | 'bad_device_key'

/** Refused logins recorded per user name and address per minute, and in all per minute, so a flood cannot fill the log. */
const REFUSALS_PER_KEY_PER_MINUTE = 1
const REFUSALS_PER_MINUTE = 60

/**
 * Records refused CONNECTs in the audit log: the user name tried (never the password), the client id and the
 * address. At most one row per user name and address a minute, and REFUSALS_PER_MINUTE rows in all; a row
 * counts the refusals of its user name and address that went unrecorded since the last (`attempts`).
 */
function refusalAudit(audit: Pick<AuditLog, 'record'>, now: () => number) {
  const perKey = new SlidingWindowLimit(REFUSALS_PER_KEY_PER_MINUTE, 60_000, now)
  const overall = new SlidingWindowLimit(REFUSALS_PER_MINUTE, 60_000, now)
  const unrecorded = new Map<string, number>()
  return (client: Client, username: string | undefined, reason: RefusalReason) => {
    const address = client.req?.socket.remoteAddress ?? (client.conn as { remoteAddress?: string }).remoteAddress ?? null
    const user = (username ?? '').slice(0, 100)
    const key = `${user}\n${address}`
    const attempts = (unrecorded.get(key) ?? 0) + 1
    if (perKey.take(key) || overall.take('all')) {
      // Bounded under a spray of names: losing counts is better than growing without end.
      if (unrecorded.size > 10_000) unrecorded.clear()
      unrecorded.set(key, attempts)
      return
    }
    unrecorded.delete(key)
    audit.record({
      actor: user || 'anonymous', actorIp: address, action: 'auth.mqtt_refused', targetType: 'mqtt', targetId: user || null,
      detail: { reason, clientId: String(client.id ?? '').slice(0, 100), attempts },
    })
  }
}

/**
 * Who may use the embedded broker. A phone connects with user name = its device id and password = its device key
 * (the key its HTTP posts carry) and may publish only to `owntracks/<user>/<its id>` and subscribe only below that
 * topic, so it can neither pose as another unit nor follow anyone's track. Frigate may use only its own topics.
 * Anything else is refused: at CONNECT (return code 4, recorded in the audit log), or by closing the connection on
 * a forbidden PUBLISH. Successful device logins are not recorded, as device posts over HTTP are not.
 */
export function mqttAccess(opts: MqttAccessOptions): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> {
  const prefix = opts.topicPrefix ?? ''
  const frigateTopic = `${prefix}${opts.frigateTopic ?? 'frigate'}/`
  const identities = new WeakMap<Client, Identity>()
  const ownTracks = `${prefix}owntracks/`
  const recordRefusal = opts.audit ? refusalAudit(opts.audit, opts.now ?? Date.now) : () => {}
  const refuse = (client: Client, username: string | undefined, reason: RefusalReason, done: (err: AuthenticateError, ok: boolean) => void) => {
    recordRefusal(client, username, reason)
    done(refused(), false)
  }

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
      if (!username || !password) return refuse(client, username, 'missing_credentials', done)
      if (username === opts.internal.username) {
        if (!sameSecret(password, opts.internal.password)) return refuse(client, username, 'wrong_password', done)
        identities.set(client, { kind: 'internal' })
        return done(null, true)
      }
      if (opts.frigate && username === opts.frigate.username) {
        if (!sameSecret(password, opts.frigate.password)) return refuse(client, username, 'wrong_password', done)
        identities.set(client, { kind: 'frigate' })
        return done(null, true)
      }
      opts.deviceKeys.verify(username, password.toString('utf8')).then(
        (ok) => {
          // An unknown device and a wrong key look the same, so the answer does not tell which devices exist.
          if (!ok) return refuse(client, username, 'bad_device_key', done)
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

import { connectAsync } from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { AuditLog } from '../audit/audit-log.ts'
import { verifyAuditChain } from '../audit/verify-chain.ts'
import { startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded-broker.ts'
import { describeBackends } from '../testing/backends.ts'
import { mqttAccess, newInternalCredential } from './mqtt-access.ts'

const log = pino({ level: 'silent' })
const KEY = 'unit-0007-device-key'
const deviceKeys = { verify: async (id: string, key: string | null | undefined) => id === 'unit-0007' && key === KEY }

describeBackends('refused MQTT logins are audited', ({ db }) => {
  let broker: EmbeddedBroker
  let audit: AuditLog
  const clock = { ms: Date.parse('2026-11-23T10:00:00Z') }
  const internal = newInternalCredential()
  const frigate = { username: 'frigate', password: 'frigate-password-long' }

  const tryLogin = async (opts: { username?: string; password?: string; clientId: string }) => {
    try {
      const c = await connectAsync(broker.url, { ...opts, reconnectPeriod: 0, connectTimeout: 5_000 })
      await c.endAsync()
      return 'connected'
    } catch (err) {
      return (err as Error).message
    }
  }
  const refusals = async () => {
    await audit.flush()
    return (await db().query<{ actor: string; actor_ip: string | null; target_id: string | null; detail: Record<string, unknown> }>(
      `SELECT actor, actor_ip, target_id, detail FROM audit_log WHERE action = 'auth.mqtt_refused' ORDER BY id`,
    )).rows
  }

  beforeAll(async () => {
    audit = new AuditLog(db(), log)
    broker = await startEmbeddedBroker({
      port: 0, host: '127.0.0.1', log, access: mqttAccess({ deviceKeys, internal, frigate, audit, now: () => clock.ms }),
    })
  })
  afterAll(async () => {
    await broker?.close()
    await audit?.flush()
  })

  it('records each kind of refusal with the user name, client id and address, never the password', async () => {
    expect(await tryLogin({ username: 'unit-0007', password: 'wrong-key', clientId: 'phone-a' })).toMatch(/Bad username or password/)
    expect(await tryLogin({ username: 'no-such-device', password: KEY, clientId: 'phone-b' })).toMatch(/Bad username or password/)
    expect(await tryLogin({ clientId: 'anon' })).toMatch(/Bad username or password/)
    expect(await tryLogin({ username: 'frigate', password: 'guess-password', clientId: 'nvr' })).toMatch(/Bad username or password/)
    expect(await tryLogin({ username: 'unit-0007', password: KEY, clientId: 'phone-ok' })).toBe('connected')
    expect(await refusals()).toEqual([
      { actor: 'unit-0007', actor_ip: '127.0.0.1', target_id: 'unit-0007', detail: { reason: 'bad_device_key', clientId: 'phone-a', attempts: 1 } },
      { actor: 'no-such-device', actor_ip: '127.0.0.1', target_id: 'no-such-device', detail: { reason: 'bad_device_key', clientId: 'phone-b', attempts: 1 } },
      { actor: 'anonymous', actor_ip: '127.0.0.1', target_id: null, detail: { reason: 'missing_credentials', clientId: 'anon', attempts: 1 } },
      { actor: 'frigate', actor_ip: '127.0.0.1', target_id: 'frigate', detail: { reason: 'wrong_password', clientId: 'nvr', attempts: 1 } },
    ])
    const everything = JSON.stringify(await db().query('SELECT * FROM audit_log'))
    expect(everything).not.toContain('wrong-key')
    expect(everything).not.toContain('guess-password')
    // A device that logs in is not recorded, as device posts over HTTP are not.
    expect(everything).not.toContain('phone-ok')
  })

  it('records a flood from one user name and address once a minute, with how many refusals it stands for', async () => {
    clock.ms += 61_000
    const before = (await refusals()).length
    for (let i = 0; i < 25; i++) await tryLogin({ username: 'flood', password: `guess-${i}`, clientId: `f${i}` })
    let rows = (await refusals()).slice(before)
    expect(rows).toHaveLength(1)
    expect(rows[0].detail).toMatchObject({ attempts: 1, clientId: 'f0' })
    clock.ms += 61_000
    await tryLogin({ username: 'flood', password: 'guess-last', clientId: 'f-last' })
    rows = (await refusals()).slice(before)
    expect(rows).toHaveLength(2)
    expect(rows[1].detail).toMatchObject({ attempts: 25, clientId: 'f-last' })
  })

  it('writes at most 60 refusal rows a minute in all, however many user names a flood tries', async () => {
    clock.ms += 61_000
    const before = (await refusals()).length
    for (let i = 0; i < 70; i++) await tryLogin({ username: `spray-${i}`, password: 'x', clientId: `s${i}` })
    expect((await refusals()).length - before).toBe(60)
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true })
  })
})

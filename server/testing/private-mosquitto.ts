import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync } from 'mqtt'
import { freePort } from './free-port.ts'

/** Debian's broker (package mosquitto: CI and the dev machine have it); absent elsewhere. */
const BIN = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p))

export const canRunPrivateMosquitto = () => BIN !== undefined

/** The settings of the shipped deployment's broker that decide what it keeps for gridwatch and hands it at once. */
const SHIPPED = /^(max_inflight_messages|max_queued_messages|max_queued_bytes|queue_qos0_messages)\s/

/** Those lines of deploy/mosquitto/mosquitto.conf, so a test or benchmark runs Mosquitto as we ship it. */
export function shippedBrokerLimits(): string[] {
  const conf = readFileSync(new URL('../../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8')
  return conf.split('\n').map((l) => l.trim()).filter((l) => SHIPPED.test(l))
}

/**
 * A Mosquitto of our own on a free local port, anonymous and in memory, with the given settings: the shared one
 * a CI machine runs has Debian's defaults, which drop a subscriber's messages past 1,000 waiting.
 */
export async function startPrivateMosquitto(settings: readonly string[]): Promise<{ url: string; stop(): Promise<void> }> {
  if (!BIN) throw new Error('mosquitto is not installed (apt-get install mosquitto)')
  const dir = mkdtempSync(join(tmpdir(), 'gw-mosquitto-'))
  const port = await freePort()
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', ...settings, ''].join('\n'))
  const child = spawn(BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = `mqtt://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      await (await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 })).endAsync()
      break
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill()
        rmSync(dir, { recursive: true, force: true })
        throw new Error(`mosquitto did not start: ${stderr.trim() || (err as Error).message}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill()
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { Aedes, type AedesOptions } from 'aedes'
import type { Logger } from '../logger.ts'

export interface EmbeddedBrokerOptions {
  /** MQTT_PORT; 0 picks a free port (tests). */
  port: number
  /** Interface to listen on (the server's HOST). */
  host: string
  log: Logger
  /** Who may connect, publish and subscribe (server/auth/mqtt-access.ts): there is no anonymous mode. */
  access: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>
}

export interface EmbeddedBroker {
  /** The aedes instance (events, connected clients). */
  aedes: Aedes
  port: number
  /** How a client on this machine reaches it (gridwatch's own simulator connects there). */
  url: string
  close(): Promise<void>
}

/**
 * An MQTT 3.1.1 broker inside the server (aedes, in-memory sessions), for when no MQTT_URL is configured:
 * phones and a Frigate can connect to gridwatch with nothing else installed. What it takes in goes to the same
 * adapters as an external broker's messages, through the access hooks it is given (server/mqtt/publish-ingest.ts).
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({ ...opts.access })
  const log = opts.log.child({ component: 'mqtt-broker' })
  broker.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'mqtt client error'))
  broker.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'mqtt connection error'))

  const server: Server = createServer(broker.handle)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') {
      throw new Error(
        `MQTT port ${opts.port} is in use (another broker?): set MQTT_URL to use that broker, ` +
          'or MQTT_PORT to another port or "off"',
      )
    }
    throw err
  }
  server.on('error', (err) => log.error({ err }, 'embedded MQTT broker error'))
  const port = (server.address() as AddressInfo).port
  const loopback = opts.host === '0.0.0.0' || opts.host === '::' || opts.host === '' ? '127.0.0.1' : opts.host
  const url = `mqtt://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`
  log.info({ port, host: opts.host }, 'embedded MQTT broker listening')

  let closing: Promise<void> | undefined
  return {
    aedes: broker,
    port,
    url,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        // Closing the broker disconnects every client, which lets the listening socket close.
        await new Promise<void>((resolve) => broker.close(() => resolve()))
        await stopped
      })()),
  }
}

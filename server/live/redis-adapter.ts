import { createAdapter } from '@socket.io/redis-streams-adapter'
import { createClient } from 'redis'
import type { ServerOptions } from 'socket.io'
import type { Logger } from '../logger.ts'

/**
 * The Socket.IO Redis streams adapter, so several server processes behind a sticky load balancer act as one hub.
 * `streamName` separates deployments (and parallel test runs) sharing one Redis.
 */
export async function connectRedisAdapter(
  url: string,
  log: Logger,
  streamName = 'gridwatch:live',
): Promise<{ adapter: ServerOptions['adapter']; ping(): Promise<string>; close(): Promise<void> }> {
  const client = createClient({ url })
  // Reconnects on its own; an unheard 'error' would end the process instead.
  client.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection problem'))
  await client.connect()
  return {
    adapter: createAdapter(client, { streamName, channelPrefix: streamName, sessionKeyPrefix: `${streamName}:session:` }),
    ping: () => client.ping(),
    async close() {
      await client.quit().catch(() => client.destroy())
    },
  }
}

import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * JSON lines for machines; when a person runs `npm start` in a terminal, the same records pretty-printed
 * (pino-pretty is a dev dependency, so a production image always logs JSON).
 */
export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY)): Logger {
  const options = { level, base: { service: 'gridwatch' } }
  if (!pretty) return pino(options)
  try {
    import.meta.resolve('pino-pretty')
    return pino({ ...options, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,service' } } })
  } catch {
    return pino(options)
  }
}

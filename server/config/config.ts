import { resolve } from 'node:path'
import { z } from 'zod'

const onOff = z.enum(['on', 'off'])

/** Every setting the server reads from the environment, with its default. The README lists the same. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** Name of the Redis stream the server processes of one deployment share. */
  REDIS_STREAM: z.string().min(1).default('gridwatch:live'),
  MQTT_URL: z.string().url().optional(),
  /** The embedded broker's port when MQTT_URL is unset; 0 = any free port, off = no MQTT at all. */
  MQTT_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).default(1883),
  /** Must be stable across restarts (persistent session) and different for every server process. */
  MQTT_CLIENT_ID: z.string().optional(),
  MQTT_TOPIC_PREFIX: z.string().default(''),
  /** Frigate's base URL, for snapshot and clip links; unset = no links stored. */
  FRIGATE_URL: z.string().url().optional(),
  FRIGATE_TOPIC_PREFIX: z.string().default('frigate'),
  FRIGATE_EVENTS: z.enum(['fallback', 'always', 'never']).default('fallback'),
  /** Shared secret of the signed camera-alert webhook; unset = the webhook answers 503. */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  SIMULATOR: onOff.default('on'),
  SIM_UNITS: z.coerce.number().int().min(0).max(20_000).default(200),
  SEED_INCIDENTS: z.coerce.number().int().min(0).default(20_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type RawConfig = z.infer<typeof ConfigSchema>

export interface Config extends RawConfig {
  /** Absolute data directory. */
  dataDir: string
  /** The embedded database lives here when DATABASE_URL is unset. */
  pgliteDir: string
  basemapDir: string
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings in the environment mean "unset", as a shell user expects from `DATABASE_URL= npm start`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const parsed = ConfigSchema.safeParse(cleaned)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`invalid configuration: ${problems}`)
  }
  const dataDir = resolve(parsed.data.DATA_DIR)
  return { ...parsed.data, dataDir, pgliteDir: resolve(dataDir, 'pglite'), basemapDir: resolve(dataDir, 'basemap') }
}

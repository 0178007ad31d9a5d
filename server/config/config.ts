import { resolve } from 'node:path'
import { z } from 'zod'
import { DEFAULT_BORDER_FLAG_METRES } from '../../geo/cases/border-flag.ts'
import { DEFAULT_DUPLICATE_RULE } from '../../geo/cases/duplicate-rule.ts'

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
  /** Frigate's login to the embedded broker (it may use only its own topics); no password = no Frigate. */
  MQTT_FRIGATE_USER: z.string().min(1).default('frigate'),
  MQTT_FRIGATE_PASSWORD: z.string().min(16).optional(),
  /** Open311 POSTs per client address per minute. */
  OPEN311_POSTS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Shared secret of the signed camera-alert webhook; unset = the webhook answers 503. */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Password of the first admin, created on first start; unset = a random one, printed once. */
  ADMIN_PASSWORD: z.string().min(12).optional(),
  SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** Wrong passwords in a row before an account locks, and for how long. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  /** Retention per data class in days (0 = keep forever), enforced hourly. */
  RETAIN_POSITIONS_DAYS: z.coerce.number().min(0).default(90),
  RETAIN_SNAPSHOTS_DAYS: z.coerce.number().min(0).default(30),
  RETAIN_AUDIT_DAYS: z.coerce.number().min(0).default(1095),
  /** Dispatch recommendations: a unit's fix older than this is stale; units farther than this are outside the search radius. */
  DISPATCH_STALE_AFTER_S: z.coerce.number().int().min(10).max(86_400).default(300),
  DISPATCH_RADIUS_M: z.coerce.number().min(100).max(100_000).default(5000),
  /** Cases: flag a case this close to a grid border for the operator to confirm the owner. */
  CASE_BORDER_METRES: z.coerce.number().min(0).max(1000).default(DEFAULT_BORDER_FLAG_METRES),
  /** Cases: suggest open cases of the same category this close, reported within this many hours, as duplicates. */
  CASE_DUPLICATE_RADIUS_M: z.coerce.number().min(1).max(10_000).default(DEFAULT_DUPLICATE_RULE.radiusM),
  CASE_DUPLICATE_WINDOW_HOURS: z.coerce.number().positive().max(24 * 90).default(DEFAULT_DUPLICATE_RULE.windowHours),
  /** How often overrun steps get supervision orders and overrun orders are escalated. */
  SUPERVISION_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(30),
  SIMULATOR: onOff.default('on'),
  /**
   * Origins of the media servers (MediaMTX, go2rtc) whose HLS or WHEP URLs cameras may use, comma-separated, e.g.
   * `http://10.0.0.5:8889,https://media.example`: the pages' Content-Security-Policy lets the browser reach these
   * and no others, and a camera whose stream lives elsewhere is shown by its snapshot instead.
   */
  MEDIA_ORIGINS: z.string().default('').transform(mediaOrigins),
  /** Local ffmpeg test streams for cameras whose stream URL is `/video/<id>/index.m3u8` (needs ffmpeg on PATH). */
  VIDEO_TEST_STREAMS: onOff.default('on'),
  SIM_UNITS: z.coerce.number().int().min(0).max(20_000).default(200),
  SEED_INCIDENTS: z.coerce.number().int().min(0).default(20_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

/** `http(s)://host[:port]` entries, as the browser spells an origin; anything else is a configuration error. */
function mediaOrigins(list: string, ctx: z.RefinementCtx): string[] {
  const origins: string[] = []
  for (const entry of list.split(',').map((e) => e.trim()).filter(Boolean)) {
    let url: URL | null = null
    try {
      url = new URL(entry)
    } catch {
      // reported below
    }
    const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
    if (!url || !bare || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not an origin (http(s)://host[:port], no path)` })
      continue
    }
    origins.push(url.origin)
  }
  return [...new Set(origins)]
}

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

import { z } from 'zod'

export const POSITION_SOURCES = ['osmand', 'owntracks', 'bulk', 'simulator'] as const
export type PositionSource = (typeof POSITION_SOURCES)[number]

/**
 * One GPS fix, whatever protocol brought it: the canonical position record every adapter produces. Units are
 * SI (metres, m/s) and degrees; the device's clock is kept apart from ours because the two disagree.
 */
export const positionFixSchema = z
  .object({
    source: z.enum(POSITION_SOURCES),
    deviceId: z.string().trim().min(1, 'device id is required').max(64),
    deviceTime: z.date(),
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    speedMps: z.number().min(0).max(200).nullable(),
    headingDeg: z.number().min(0).max(360).nullable(),
    accuracyM: z.number().min(0).nullable(),
    altitudeM: z.number().min(-500).max(10_000).nullable(),
    batteryPct: z.number().min(0).max(100).nullable(),
  })
  // 0,0 is what a phone sends before it has a fix, never a patrol position.
  .refine((f) => f.lon !== 0 || f.lat !== 0, { message: 'position 0,0 is not a fix', path: ['lat'] })

export type PositionFix = z.infer<typeof positionFixSchema>

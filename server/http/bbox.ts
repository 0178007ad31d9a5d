import { z } from 'zod'

/** `bbox=minLon,minLat,maxLon,maxLat` in degrees, as in OGC APIs. */
export const Bbox = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(
    z
      .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
      .refine(([w, s, e, n]) => w < e && s < n, 'bbox must be minLon,minLat,maxLon,maxLat with min < max'),
  )

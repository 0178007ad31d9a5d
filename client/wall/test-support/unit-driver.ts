/**
 * Drives demo units along the road graph through the public bulk ingest API, for the wall's browser test and for
 * looking at the wall by hand. Node-side only (the page never imports it). Not a simulator of duty or dispatch:
 * units wander the roads at plausible speeds, each reporting at its own interval, so the wall has live traffic.
 */

/** What the driver needs from the database: `server.db` of a running demo server. */
export interface RoadSource {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>
}

interface Edge {
  a: number
  b: number
  /** Vertices [lon, lat] and cumulative metres along the edge. */
  coords: [number, number][]
  cum: number[]
}

interface Driven {
  id: string
  edge: number
  /** Travelling from `a` to `b` (true) or back. */
  forward: boolean
  along: number
  speedMps: number
  periodMs: number
  nextReportAt: number
}

export interface DriverOptions {
  /** Server base URL, e.g. `http://127.0.0.1:1234`. */
  url: string
  /** Sent with every batch, e.g. the bearer token of an account allowed to post positions in bulk. */
  headers?: Record<string, string>
  db: RoadSource
  /** Units to drive (device ids = unit ids in the demo). */
  unitIds: string[]
  /** Every unit's report interval is drawn from this range, ms. */
  periodMs?: [number, number]
  seed?: number
}

export interface UnitDriver {
  /** Advances every unit to now and posts the fixes that are due; resolves when they are committed. */
  tick(): Promise<number>
  /** Runs `tick` every `everyMs` until `stop()`. */
  start(everyMs?: number): void
  stop(): Promise<void>
  /** Where a unit is now (its last reported position). */
  positionOf(id: string): [number, number] | undefined
}

const M_PER_DEG_LAT = 110_950
const mPerDegLon = (lat: number) => 111_320 * Math.cos((lat * Math.PI) / 180)

export async function createUnitDriver(opts: DriverOptions): Promise<UnitDriver> {
  let s = opts.seed ?? 7
  const rnd = () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
  const r = await opts.db.query<{ source: number; target: number; g: string; cls: string }>(
    `SELECT source, target, road_class AS cls, ST_AsGeoJSON(geom, 7) AS g FROM road_edge
     WHERE road_class IN ('primary', 'secondary', 'tertiary', 'trunk', 'minor') AND reverse_cost >= 0 AND cost >= 0`,
  )
  const edges: Edge[] = []
  const byNode = new Map<number, number[]>()
  for (const row of r.rows) {
    const coords = (JSON.parse(row.g) as { coordinates: [number, number][] }).coordinates
    const cum = [0]
    for (let i = 1; i < coords.length; i++) {
      const [x0, y0] = coords[i - 1]
      const [x1, y1] = coords[i]
      cum.push(cum[i - 1] + Math.hypot((x1 - x0) * mPerDegLon(y0), (y1 - y0) * M_PER_DEG_LAT))
    }
    if (cum[cum.length - 1] < 1) continue
    const i = edges.push({ a: row.source, b: row.target, coords, cum }) - 1
    for (const n of [row.source, row.target]) byNode.set(n, [...(byNode.get(n) ?? []), i])
  }
  if (edges.length === 0) throw new Error('no drivable road edges in the database')

  const period = opts.periodMs ?? [2000, 4000]
  const now0 = Date.now()
  const units: Driven[] = opts.unitIds.map((id) => ({
    id,
    edge: Math.floor(rnd() * edges.length),
    forward: rnd() < 0.5,
    along: 0,
    speedMps: 6 + rnd() * 8,
    periodMs: period[0] + rnd() * (period[1] - period[0]),
    nextReportAt: now0 + rnd() * 1000,
  }))
  const last = new Map<string, [number, number]>()
  let lastTick = now0
  let timer: ReturnType<typeof setInterval> | undefined
  let inFlight: Promise<number> | undefined

  const place = (u: Driven): { lon: number; lat: number; heading: number } => {
    const e = edges[u.edge]
    const len = e.cum[e.cum.length - 1]
    const d = u.forward ? u.along : len - u.along
    let i = 1
    while (i < e.cum.length - 1 && e.cum[i] < d) i++
    const f = (d - e.cum[i - 1]) / Math.max(1e-9, e.cum[i] - e.cum[i - 1])
    const [x0, y0] = e.coords[i - 1]
    const [x1, y1] = e.coords[i]
    const lon = x0 + (x1 - x0) * f
    const lat = y0 + (y1 - y0) * f
    const dx = (x1 - x0) * mPerDegLon(y0) * (u.forward ? 1 : -1)
    const dy = (y1 - y0) * M_PER_DEG_LAT * (u.forward ? 1 : -1)
    const heading = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360
    return { lon, lat, heading }
  }

  const advance = (u: Driven, metres: number) => {
    u.along += metres
    for (let guard = 0; guard < 50; guard++) {
      const e = edges[u.edge]
      const len = e.cum[e.cum.length - 1]
      if (u.along <= len) return
      u.along -= len
      const node = u.forward ? e.b : e.a
      const next = (byNode.get(node) ?? []).filter((k) => k !== u.edge)
      const k = next.length ? next[Math.floor(rnd() * next.length)] : u.edge
      u.forward = k === u.edge ? !u.forward : edges[k].a === node
      u.edge = k
    }
  }

  const tick = async (): Promise<number> => {
    const now = Date.now()
    const dt = (now - lastTick) / 1000
    lastTick = now
    const batch: unknown[] = []
    for (const u of units) {
      advance(u, u.speedMps * dt)
      if (now < u.nextReportAt) continue
      u.nextReportAt = now + u.periodMs
      const p = place(u)
      last.set(u.id, [p.lon, p.lat])
      batch.push({ deviceId: u.id, time: new Date(now).toISOString(), lat: p.lat, lon: p.lon, speed: u.speedMps, heading: p.heading, accuracy: 8 })
    }
    if (batch.length === 0) return 0
    const res = await fetch(`${opts.url}/api/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json', ...opts.headers }, body: JSON.stringify(batch) })
    if (!res.ok) throw new Error(`positions: HTTP ${res.status} ${await res.text()}`)
    return batch.length
  }

  return {
    tick,
    start(everyMs = 500) {
      timer ??= setInterval(() => {
        if (inFlight) return
        inFlight = tick().finally(() => (inFlight = undefined))
        inFlight.catch(() => {})
      }, everyMs)
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await inFlight?.catch(() => {})
    },
    positionOf: (id) => last.get(id),
  }
}

import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import type { StoredFix } from '../ingest/stored-fix.ts'
import { unitsWithPositions } from '../store/unit-queries.ts'
import { room, roomsForGrid } from './jurisdiction-rooms.ts'
import { toUnitMove, type UnitFrame } from './unit-frame.ts'

export const LIVE_NAMESPACE = '/live'
const LAYERS = ['units'] as const

const SubscribeRequest = z.object({ layers: z.array(z.enum(LAYERS)).min(1) })

export interface LiveHubOptions {
  cityCode: string
  /** Positions are coalesced to the latest per unit and sent at most this often. */
  frameMs: number
}

export interface LiveHub {
  io: Server
  publishPositions(fixes: StoredFix[]): void
  close(): Promise<void>
}

/**
 * Socket.IO fan-out. A client subscribes to layers and gets a snapshot in the ack, then frames numbered per room;
 * a gap in the numbers (or a failed session recovery) means: subscribe again for a fresh snapshot.
 */
export function createLiveHub(http: HttpServer, db: Queryable, log: Logger, opts: LiveHubOptions): LiveHub {
  const io = new Server(http, {
    serveClient: false,
    // Short drops (a wall PC's Wi-Fi, a proxy restart) resume with the missed frames instead of a snapshot.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true },
  })
  const live = io.of(LIVE_NAMESPACE)
  const seq = new Map<string, number>()
  let pending = new Map<string, StoredFix>()

  live.on('connection', (socket: Socket) => {
    // Until sign-in exists every client sees the whole city; the access-control work narrows this per user.
    socket.data.jurisdiction ??= opts.cityCode
    socket.on('subscribe', async (raw: unknown, ack?: (reply: unknown) => void) => {
      if (typeof ack !== 'function') return
      const req = SubscribeRequest.safeParse(raw)
      if (!req.success) {
        ack({ error: { code: 'invalid_request', message: req.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } })
        return
      }
      try {
        const area = socket.data.jurisdiction as string
        const units = await unitsWithPositions(db, area)
        const unitsRoom = room('units', area)
        await socket.join(unitsRoom)
        ack({ units: { seq: seq.get(unitsRoom) ?? 0, rows: units } })
      } catch (err) {
        log.error({ err }, 'snapshot failed')
        ack({ error: { code: 'internal', message: 'snapshot failed; retry' } })
      }
    })
  })

  const timer = setInterval(() => {
    if (pending.size === 0) return
    const batch = pending
    pending = new Map()
    const byRoom = new Map<string, UnitFrame['moves']>()
    for (const f of batch.values()) {
      const move = toUnitMove(f)
      for (const r of roomsForGrid('units', f.gridCode, opts.cityCode)) {
        if (!live.adapter.rooms.has(r)) continue
        let moves = byRoom.get(r)
        if (!moves) byRoom.set(r, (moves = []))
        moves.push(move)
      }
    }
    const t = Date.now()
    for (const [r, moves] of byRoom) {
      const n = (seq.get(r) ?? 0) + 1
      seq.set(r, n)
      live.to(r).emit('units', { seq: n, t, moves } satisfies UnitFrame)
    }
  }, opts.frameMs)

  return {
    io,
    publishPositions(fixes) {
      for (const f of fixes) {
        if (f.verdict !== 'accepted') continue
        const prev = pending.get(f.unitId)
        if (!prev || prev.deviceTime < f.deviceTime) pending.set(f.unitId, f)
      }
    },
    async close() {
      clearInterval(timer)
      await new Promise<void>((resolve) => io.close(() => resolve()))
    },
  }
}

import type { Server as HttpServer } from 'node:http'
import { Server, type ServerOptions, type Socket } from 'socket.io'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import type { StoredFix } from '../ingest/stored-fix.ts'
import { unitsWithPositions } from '../store/unit-queries.ts'
import { room, roomsForGrid, subscriptionArea } from './jurisdiction-rooms.ts'
import { encodeUnitFrame, MAX_MOVES_PER_FRAME, type UnitMove } from '../../geo/live/unit-frame.ts'
import { toUnitMove } from './unit-frame.ts'
import { UnitSnapshots } from './unit-snapshots.ts'
import { SlicedBroadcast } from './sliced-broadcast.ts'

export const LIVE_NAMESPACE = '/live'
export const LIVE_LAYERS = ['units', 'incidents', 'alerts', 'cases', 'kpi'] as const
export type LiveLayer = (typeof LIVE_LAYERS)[number]
export type EventLayer = Exclude<LiveLayer, 'units'>

/**
 * The shortest interval between two units frames. Frames follow commits, which under load come about every 50 ms:
 * with a 50 ms floor half of them waited for the next frame; with 25 ms nearly every one leaves at once, for about
 * as many frames (fan-out bench, two A/B pairs: 18.3-18.6 -> 20 frames a second per client, positions p50 71-73 ->
 * 36-39 ms, server CPU unchanged).
 */
export const LIVE_FRAME_MS = 25

const RECOVERY_MS = 2 * 60_000
/** How long a room's shared units snapshot is kept current from frames before it is read from the database again. */
const SNAPSHOT_MAX_AGE_MS = 2000
/**
 * Packets queued for a client that is not reading them fast enough: a units frame is two packets (head and
 * numbers), so this is 20 frames, half a second of them at the most frequent and about a second under load.
 * Past this it skips frames, sees the gap in the sequence and asks for a new snapshot, instead of falling
 * further behind unnoticed while the server's memory fills.
 */
const MAX_QUEUED_PACKETS = 40
/** A frame reaches 50 sockets per turn of the event loop: about 1 ms of writes, then events may go out. */
const SOCKETS_PER_TURN = 50

const SubscribeRequest = z.object({ layers: z.array(z.enum(LIVE_LAYERS)).min(1) })

/** What a client subscribing to a layer gets first: the current state under its jurisdiction. */
export type SnapshotProvider = (areaCode: string) => Promise<unknown>

/** An event that is never coalesced or dropped (an incident, an alert, a case step), numbered in its room. */
export interface LiveEvent<T = unknown> {
  seq: number
  t: number
  event: T
}

export interface LiveHubOptions {
  cityCode: string
  /** Positions are coalesced to the latest per unit and sent at most this often (at once after a quiet spell). */
  frameMs: number
  /** Set when several server processes share the clients (the Redis streams adapter). */
  adapter?: ServerOptions['adapter']
}

export interface LiveHub {
  io: Server
  publishPositions(fixes: StoredFix[]): void
  /** Sends at once to every client whose jurisdiction contains the grid (the whole city if null). */
  publishEvent(layer: EventLayer, gridCode: string | null, event: unknown): void
  /** How a layer's snapshot is made; a layer without a provider sends events only. */
  provideSnapshot(layer: EventLayer, provider: SnapshotProvider): void
  close(): Promise<void>
}

// Between server processes: what one process ingested, for every process to send to its own clients.
const PEER_POSITIONS = 'gw:positions'
const PEER_EVENT = 'gw:event'

/**
 * Socket.IO fan-out. A client subscribes to layers and gets a snapshot in the ack, then frames numbered per room;
 * a gap in the numbers (or a failed session recovery) means: subscribe again for a fresh snapshot.
 *
 * With several processes, each one hears every other's positions and events over the adapter and sends them to
 * its own clients only, numbering them itself: a client, pinned to one process by sticky sessions, sees one
 * unbroken sequence, and a frame is serialised once per process rather than pushed through Redis per room.
 */
export function createLiveHub(http: HttpServer, db: Queryable, log: Logger, opts: LiveHubOptions): LiveHub {
  const io = new Server(http, {
    serveClient: false,
    // Short drops (a wall PC's Wi-Fi, a proxy restart) resume with the missed frames instead of a snapshot.
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_MS, skipMiddlewares: true },
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  })
  const live = io.of(LIVE_NAMESPACE)
  const seq = new Map<string, number>()
  const nextSeq = (r: string) => {
    const n = (seq.get(r) ?? 0) + 1
    seq.set(r, n)
    return n
  }
  let pending = new Map<string, UnitMove>()
  const framesOut = new SlicedBroadcast(live, SOCKETS_PER_TURN)
  const unitViews = new UnitSnapshots((area) => unitsWithPositions(db, area), SNAPSHOT_MAX_AGE_MS)
  const snapshots = new Map<LiveLayer, SnapshotProvider>([['units', (area) => unitViews.rows(room('units', area), area)]])

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
      // Only rooms inside the principal's jurisdiction (server/auth/socket-auth.ts authenticated the handshake).
      const scoped = subscriptionArea(socket.data, raw)
      if ('error' in scoped) return ack(scoped)
      try {
        const area = scoped.area
        const reply: Record<string, { seq: number; rows: unknown }> = {}
        for (const layer of new Set(req.data.layers)) {
          const r = room(layer, area)
          // Join first: an event published while the snapshot is read arrives after it, never falls between.
          await socket.join(r)
          const at = seq.get(r) ?? 0
          reply[layer] = { seq: at, rows: (await snapshots.get(layer)?.(area)) ?? [] }
        }
        ack(reply)
      } catch (err) {
        log.error({ err }, 'snapshot failed')
        ack({ error: { code: 'internal', message: 'snapshot failed; retry' } })
      }
    })
  })

  /*
   * Frames and events are only built for rooms someone listens to here (there are as many grid rooms as grids).
   * A room emptied by a dropped connection counts as listened until recovery would give up, so what it misses
   * is kept for the client's return.
   */
  const occupiedAt = new Map<string, number>()
  const isListened = (r: string, now: number) => {
    if (live.adapter.rooms.has(r)) {
      occupiedAt.set(r, now)
      return true
    }
    const last = occupiedAt.get(r)
    if (last !== undefined && now - last < RECOVERY_MS) return true
    occupiedAt.delete(r)
    return false
  }

  const addMoves = (moves: UnitMove[]) => {
    for (const m of moves) {
      const prev = pending.get(m[0])
      if (!prev || prev[5] < m[5]) pending.set(m[0], m)
    }
    scheduleFrame()
  }
  const sendEvent = (layer: EventLayer, gridCode: string | null, event: unknown) => {
    const t = Date.now()
    for (const r of roomsForGrid(layer, gridCode, opts.cityCode)) {
      if (isListened(r, t)) live.local.to(r).emit(layer, { seq: nextSeq(r), t, event } satisfies LiveEvent)
    }
  }
  live.on(PEER_POSITIONS, addMoves)
  live.on(PEER_EVENT, sendEvent)

  const lagging = new Set<string>()
  const findLagging = (): string[] => {
    for (const socket of live.sockets.values()) {
      const queued = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0
      if (queued > MAX_QUEUED_PACKETS) {
        if (!lagging.has(socket.id)) log.warn({ socket: socket.id, queued }, 'live client is not keeping up; skipping its frames until it catches up')
        lagging.add(socket.id)
      } else lagging.delete(socket.id)
    }
    for (const id of lagging) if (!live.sockets.has(id)) lagging.delete(id)
    return [...lagging]
  }

  /*
   * A frame goes out as soon as moves arrive, unless one went less than frameMs ago; then once frameMs has passed.
   * Positions arrive a commit at a time: on a fixed tick each waited half a frame on average before it left.
   */
  let lastFrameAt = 0
  let frameTimer: NodeJS.Timeout | undefined
  const scheduleFrame = () => {
    if (frameTimer) return
    frameTimer = setTimeout(sendFrame, Math.max(0, lastFrameAt + opts.frameMs - Date.now()))
  }
  const sendFrame = () => {
    frameTimer = undefined
    const t = Date.now()
    lastFrameAt = t
    if (pending.size === 0) return
    const batch = pending
    pending = new Map()
    const byRoom = new Map<string, UnitMove[]>()
    for (const move of batch.values()) {
      for (const r of roomsForGrid('units', move[6], opts.cityCode)) {
        if (!isListened(r, t)) continue
        let moves = byRoom.get(r)
        if (!moves) byRoom.set(r, (moves = []))
        moves.push(move)
      }
    }
    const skip = findLagging()
    for (const [r, moves] of byRoom) {
      // Binary columns, not JSON: half the bytes to every client (see geo/live/unit-frame.ts).
      const frames = []
      for (let i = 0; i < moves.length; i += MAX_MOVES_PER_FRAME) {
        frames.push(encodeUnitFrame({ seq: nextSeq(r), t, moves: moves.slice(i, i + MAX_MOVES_PER_FRAME) }))
      }
      framesOut.send(r, 'units', frames, skip)
      unitViews.framed(r, moves)
    }
  }

  return {
    io,
    publishPositions(fixes) {
      const moves = fixes.filter((f) => f.verdict === 'accepted').map(toUnitMove)
      if (moves.length === 0) return
      addMoves(moves)
      if (opts.adapter) live.serverSideEmit(PEER_POSITIONS, moves)
    },
    publishEvent(layer, gridCode, event) {
      sendEvent(layer, gridCode, event)
      if (opts.adapter) live.serverSideEmit(PEER_EVENT, layer, gridCode, event)
    },
    provideSnapshot(layer, provider) {
      snapshots.set(layer, provider)
    },
    async close() {
      clearTimeout(frameTimer)
      framesOut.clear()
      await new Promise<void>((resolve) => io.close(() => resolve()))
    },
  }
}

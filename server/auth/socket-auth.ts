import type { Namespace } from 'socket.io'
import type { Authenticator } from './authenticate.ts'
import { credentialOf, sessionIdOf } from './authenticate.ts'
import { OPERATIONS, type Principal } from './principal.ts'
import { homeArea } from '../live/jurisdiction-rooms.ts'

/** The room of every socket on one session, so a logout reaches them on every server process (Redis adapter). */
const sessionRoom = (sessionId: string) => `session:${sessionId}`
/** The room of every socket of one user, so disabling them or changing their grants reaches every process. */
const userRoom = (userId: number) => `user:${userId}`

export interface LiveAuthOptions {
  /** How often sockets are checked for an expired session (default every 30 s). */
  expiryCheckMs?: number
  now?: () => number
}

/**
 * Authenticates every /live handshake: `auth: {token}` from an API client or the wall, else the session cookie a
 * browser sends. A cookie only counts from our own origin, so another site cannot ride a user's session over a
 * WebSocket (which CORS does not guard). Sets socket.data.principal and the home jurisdiction rooms default to.
 * A socket lives no longer than its session: a logout disconnects it at once, an expiry at the next check. A
 * user disabled or given another role or other grants is disconnected at once; a reconnect is authenticated
 * afresh (never from the cache), so it gets the new grants or is refused. Returns the stop of that check.
 */
export function authenticateLive(live: Namespace, auth: Authenticator, cityCode: string, opts: LiveAuthOptions = {}): () => void {
  const now = opts.now ?? Date.now
  live.use(async (socket, next) => {
    try {
      const given = (socket.handshake.auth as { token?: unknown } | undefined)?.token
      let token = typeof given === 'string' ? given : null
      if (!token) {
        const { origin, host } = socket.handshake.headers
        if (origin && host && new URL(origin).host !== host) return next(new Error('unauthorized: cross-origin session'))
        token = credentialOf(socket.handshake.headers)
      }
      const session = await auth.sessionOf(token, { fresh: true })
      if (!session) return next(new Error('unauthorized: log in or pass auth.token'))
      const { principal } = session
      if (!OPERATIONS.includes(principal.role)) return next(new Error(`forbidden: role ${principal.role} has no live view`))
      socket.data.principal = principal
      socket.data.jurisdiction = homeArea(principal, cityCode)
      socket.data.sessionId = sessionIdOf(token!)
      socket.data.sessionExpiresAt = session.expiresAt.getTime()
      next()
    } catch (err) {
      next(err as Error)
    }
  })
  live.on('connection', (socket) => {
    if (socket.data.sessionId) void socket.join(sessionRoom(socket.data.sessionId))
    const userId = (socket.data.principal as Principal).userId
    if (userId !== null) void socket.join(userRoom(userId))
  })
  const unsubscribe = auth.onRevoked((sessionId) => live.in(sessionRoom(sessionId)).disconnectSockets(true))
  const unsubscribeUsers = auth.onUserChanged((userId) => live.in(userRoom(userId)).disconnectSockets(true))
  const timer = setInterval(() => {
    const t = now()
    for (const socket of live.sockets.values()) {
      if (socket.data.sessionExpiresAt <= t) socket.disconnect(true)
    }
  }, opts.expiryCheckMs ?? 30_000)
  timer.unref()
  return () => {
    clearInterval(timer)
    unsubscribe()
    unsubscribeUsers()
  }
}

import type { Namespace } from 'socket.io'
import type { Authenticator } from './authenticate.ts'
import { credentialOf } from './authenticate.ts'
import { OPERATIONS } from './principal.ts'
import { homeArea } from '../live/jurisdiction-rooms.ts'

/**
 * Authenticates every /live handshake: `auth: {token}` from an API client or the wall, else the session cookie a
 * browser sends. A cookie only counts from our own origin, so another site cannot ride a user's session over a
 * WebSocket (which CORS does not guard). Sets socket.data.principal and the home jurisdiction rooms default to.
 */
export function authenticateLive(live: Namespace, auth: Authenticator, cityCode: string): void {
  live.use(async (socket, next) => {
    try {
      const given = (socket.handshake.auth as { token?: unknown } | undefined)?.token
      let token = typeof given === 'string' ? given : null
      if (!token) {
        const { origin, host } = socket.handshake.headers
        if (origin && host && new URL(origin).host !== host) return next(new Error('unauthorized: cross-origin session'))
        token = credentialOf(socket.handshake.headers)
      }
      const principal = await auth.principalOf(token)
      if (!principal) return next(new Error('unauthorized: log in or pass auth.token'))
      if (!OPERATIONS.includes(principal.role)) return next(new Error(`forbidden: role ${principal.role} has no live view`))
      socket.data.principal = principal
      socket.data.jurisdiction = homeArea(principal, cityCode)
      next()
    } catch (err) {
      next(err as Error)
    }
  })
}

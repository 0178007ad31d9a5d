import type { IncomingHttpHeaders } from 'node:http'
import type { Request, RequestHandler, Response } from 'express'
import type { Queryable } from '../db/db.ts'
import type { Principal } from './principal.ts'
import { sessionOfToken, tokenHash, type LiveSession } from './sessions.ts'

export const SESSION_COOKIE = 'gw_session'

/** A principal found for a token is reused this long, so a busy page costs no query per request. */
const CACHE_MS = 5_000

/** What names a session outside the database row without being its secret: the token's hash (its row key). */
export const sessionIdOf = tokenHash

/** The credential a request carries: `Authorization: Bearer <token>`, else the session cookie. */
export function credentialOf(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth)
    return m ? m[1] : null
  }
  return cookieValue(headers.cookie, SESSION_COOKIE)
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

/** Resolves tokens to principals for HTTP requests and socket handshakes alike. */
export class Authenticator {
  private readonly cache = new Map<string, { session: LiveSession | null; until: number }>()
  private readonly revokedListeners = new Set<(sessionId: string) => void>()
  private readonly userListeners = new Set<(userId: number) => void>()

  constructor(
    private readonly db: Queryable,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async principalOf(token: string | null): Promise<Principal | null> {
    return (await this.sessionOf(token))?.principal ?? null
  }

  /** `fresh` skips the cache: a socket handshake must not ride on a grant or session ended on another process. */
  async sessionOf(token: string | null, opts: { fresh?: boolean } = {}): Promise<LiveSession | null> {
    if (!token) return null
    const key = tokenHash(token)
    const t = this.now().getTime()
    const hit = this.cache.get(key)
    if (hit && hit.until > t && !opts.fresh) return hit.session
    const session = await sessionOfToken(this.db, token, this.now())
    if (this.cache.size > 10_000) this.cache.clear()
    // Never served from the cache past its expiry.
    this.cache.set(key, { session, until: Math.min(t + CACHE_MS, session?.expiresAt.getTime() ?? Infinity) })
    return session
  }

  /**
   * After logout, here at once, and the listeners (the live sockets on that session) are told; other server
   * processes stop accepting the token within CACHE_MS.
   */
  forget(token: string): void {
    const id = sessionIdOf(token)
    this.cache.delete(id)
    for (const listener of this.revokedListeners) listener(id)
  }

  /**
   * After an admin disables a user or changes their role or grants: their cached sessions are dropped here at
   * once, and the listeners (the user's live sockets) are told.
   */
  forgetUser(userId: number): void {
    for (const [key, hit] of this.cache) if (hit.session?.principal.userId === userId) this.cache.delete(key)
    for (const listener of this.userListeners) listener(userId)
  }

  /** Called with the id of every user changed here; returns the unsubscribe. */
  onUserChanged(listener: (userId: number) => void): () => void {
    this.userListeners.add(listener)
    return () => this.userListeners.delete(listener)
  }

  /** Called with the session id of every session ended here; returns the unsubscribe. */
  onRevoked(listener: (sessionId: string) => void): () => void {
    this.revokedListeners.add(listener)
    return () => this.revokedListeners.delete(listener)
  }

  /** Sets req.principal when the request carries a valid credential; routes decide what needs one. */
  middleware(): RequestHandler {
    return async (req, _res, next) => {
      try {
        const principal = await this.principalOf(credentialOf(req.headers))
        if (principal) req.principal = principal
        next()
      } catch (err) {
        next(err)
      }
    }
  }
}

/** HTTP-only, same-site only, and Secure whenever the browser reached us over HTTPS (directly or via a proxy). */
export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date | undefined): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure || req.get('x-forwarded-proto') === 'https',
    path: '/',
    ...(expiresAt ? { expires: expiresAt } : {}),
  })
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure || req.get('x-forwarded-proto') === 'https', path: '/' })
}

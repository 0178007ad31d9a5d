import type { Request, RequestHandler } from 'express'
import { HttpError } from '../http/http-error.ts'

/** `wall` is a read-only display; `gateway` may only post positions in bulk (an ingest service account). */
export const ROLES = ['admin', 'supervisor', 'dispatcher', 'analyst', 'grid_worker', 'auditor', 'wall', 'gateway'] as const
export type Role = (typeof ROLES)[number]

/** Who is asking: the one identity every route and socket room decides on. */
export interface Principal {
  userId: number | null
  username: string
  role: Role
  /** Granted area codes, each covering everything under it (a prefix of grid codes); 'all' for the whole city. */
  areas: readonly string[] | 'all'
  /** Restricted layers granted on top of the role, e.g. 'tracks'. */
  layers: ReadonlySet<string>
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal
  }
}

/** The authenticated principal of a request; a route reached without one answers 401. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'unauthenticated', 'log in or send a bearer token')
  return req.principal
}

/** Lets only the given roles through; everyone else gets 403 (or 401 without a session). */
export function requireRole(...roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    const p = principalOf(req)
    if (!roles.includes(p.role)) throw new HttpError(403, 'forbidden', `role ${p.role} may not do this`)
    next()
  }
}

/** Sets the principal: what the authentication middleware does once it has checked a credential. */
export function withPrincipal(principal: Principal): RequestHandler {
  return (req, _res, next) => {
    req.principal = principal
    next()
  }
}

/** Everyone who works with the operational picture (not the auditor, who reads the audit log, nor a gateway). */
export const OPERATIONS: readonly Role[] = ['admin', 'supervisor', 'dispatcher', 'analyst', 'grid_worker', 'wall']

import type { Request, RequestHandler, Response } from 'express'
import type { AuditEntry, AuditLog } from './audit-log.ts'

/** The app's audit log (createApp puts it in app.locals); a router mounted without one fails loudly. */
export function auditOf(req: Request): AuditLog {
  const audit = req.app.locals.audit as AuditLog | undefined
  if (!audit) throw new Error('no audit log mounted: set app.locals.audit')
  return audit
}

const who = (req: Request) => ({ actor: req.principal?.username ?? 'anonymous', actorIp: req.ip ?? null })

/** Records an entry for this request now (a login, an export decided inside a handler). */
export function auditNow(req: Request, res: Response, e: Omit<AuditEntry, 'actor' | 'actorIp'> & { actor?: string }): void {
  res.locals.audited = true
  auditOf(req).record({ ...who(req), ...e })
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Every request that may change something under /api (any method but GET/HEAD/OPTIONS) is recorded once its
 * answer is sent: who, from where, method, path, target and status. Routes that record themselves in more
 * detail (login) set res.locals.audited.
 */
export function auditWrites(): RequestHandler {
  return (req, res, next) => {
    if (READ_METHODS.has(req.method) || !req.path.startsWith('/api/')) return next()
    res.on('finish', () => {
      if (res.locals.audited) return
      const [, , , type, id] = req.path.split('/')
      const created = res.get('Location')?.split('/').pop()
      auditOf(req).record({
        ...who(req),
        action: 'http.write',
        targetType: type ?? null,
        targetId: created ?? id ?? null,
        detail: { method: req.method, path: req.path, status: res.statusCode },
      })
    })
    next()
  }
}

/**
 * Marks a route as a sensitive read (a person's track) or an export: each answer it gives successfully is
 * recorded, with the target the route names. Put it after requireRole.
 */
export function audited(action: string, target: (req: Request) => { type: string; id?: string | null; detail?: Record<string, unknown> }): RequestHandler {
  return (req, res, next) => {
    auditOf(req)
    res.on('finish', () => {
      if (res.statusCode >= 400) return
      const t = target(req)
      auditOf(req).record({ ...who(req), action, targetType: t.type, targetId: t.id ?? null, detail: { path: req.path, query: req.query, ...t.detail } })
    })
    next()
  }
}

import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { ZodError } from 'zod'
import type { Logger } from '../logger.ts'

/** An error the client caused or must hear about, with where in its request the problem is. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Array<{ path: string; message: string }>,
  ) {
    super(message)
  }
}

export function badRequestFromZod(err: ZodError, where: 'query' | 'body' | 'params'): HttpError {
  return new HttpError(
    400,
    'invalid_request',
    `invalid ${where}`,
    err.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  )
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`))
}

/** Every failure leaves as JSON; unexpected ones are logged and never leak internals to the client. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } })
      return
    }
    // body-parser marks its own client errors (malformed JSON, too large) with a status.
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500
    if (status < 500) {
      const code = err.type === 'entity.too.large' ? 'payload_too_large' : err.type === 'entity.parse.failed' ? 'malformed_body' : 'bad_request'
      res.status(status).json({ error: { code, message: err.message } })
      return
    }
    log.error({ err, path: req.path }, 'unhandled error')
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } })
  }
}

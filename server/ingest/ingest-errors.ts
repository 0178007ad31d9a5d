import type { ErrorRequestHandler } from 'express'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import { HttpError } from '../http/http-error.ts'
import { BackPressureError } from './position-writer.ts'

/** Turns pipeline refusals into the HTTP answers a device or gateway can act on. */
export const ingestErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (err instanceof ParseError) {
    next(new HttpError(400, 'invalid_position', err.message, err.problems))
    return
  }
  if (err instanceof BackPressureError) {
    res.setHeader('Retry-After', String(err.retryAfterS))
    next(new HttpError(503, 'ingest_busy', 'the ingest buffer is full; retry later'))
    return
  }
  next(err)
}

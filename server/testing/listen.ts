import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Express, type RequestHandler } from 'express'
import pino from 'pino'
import { errorHandler } from '../http/http-error.ts'

/** Serves an app on a random local port for a test; returns its base URL and how to stop it. */
export async function listen(app: Express): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** Routers (and middleware such as withPrincipal before them) behind the real JSON error handler, on a random port. */
export function listenRouters(...routers: RequestHandler[]): ReturnType<typeof listen> {
  const app = express()
  for (const r of routers) app.use(r)
  app.use(errorHandler(pino({ level: 'silent' })))
  return listen(app)
}

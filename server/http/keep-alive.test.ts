import { Agent, request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../testing/demo-server.ts'

describe('HTTP keep-alive', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const get = (path: string) =>
    new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { agent }, (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }))
      })
      req.on('error', reject)
      req.end()
    })
  beforeAll(async () => {
    server = await startDemoServer()
  })
  afterAll(async () => {
    agent.destroy()
    await server?.stop()
  })

  it('keeps an idle connection open past Node’s 5 s default, so a client reusing it is not reset', async () => {
    expect((await get('/healthz')).status).toBe(200)
    await new Promise((r) => setTimeout(r, 6_000))
    expect(await get('/healthz')).toEqual({ status: 200, reused: true })
  }, 20_000)
})

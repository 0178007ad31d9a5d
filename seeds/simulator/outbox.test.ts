import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { HttpClient, networkReason } from './http-client.ts'
import { Gate, Outbox, type Outcome } from './outbox.ts'

function capturingLog() {
  const lines: { msg: string; reason?: string; level: number }[] = []
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) })
  return { log, lines }
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<Server> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}

const portOf = (s: Server) => (s.address() as AddressInfo).port
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now()
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out')
    await sleep(20)
  }
}

/** How the simulator maps HTTP answers (see simulator.ts). */
async function outcomeOf(client: HttpClient, path: string): Promise<Outcome> {
  try {
    const a = await client.request('GET', path)
    if (a.status < 300) return { kind: 'ok' }
    if (a.status === 503) return { kind: 'retry', reason: 'HTTP 503', afterMs: (a.retryAfterS ?? 5) * 1000 }
    return { kind: 'drop', reason: `HTTP ${a.status}`, detail: a.body }
  } catch (err) {
    return { kind: 'retry', reason: networkReason(err) }
  }
}

describe('Outbox over HTTP', () => {
  const servers: Server[] = []
  const clients: HttpClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    for (const s of servers.splice(0)) {
      s.closeAllConnections()
      await new Promise((r) => s.close(r))
    }
  })

  it('delivers each device’s messages in order and pauses everyone for Retry-After on 503', async () => {
    const got: string[] = []
    let busyUntil = 0
    const arrivals: number[] = []
    const server = await listen((req, res) => {
      arrivals.push(Date.now())
      if (Date.now() < busyUntil) {
        res.writeHead(503, { 'Retry-After': '1' }).end()
        return
      }
      if (req.url === '/m?d=1&n=3' && busyUntil === 0) {
        busyUntil = Date.now() + 500
        res.writeHead(503, { 'Retry-After': '1' }).end()
        return
      }
      got.push(req.url!)
      res.writeHead(200).end()
    })
    servers.push(server)
    const client = new HttpClient(`http://127.0.0.1:${portOf(server)}`)
    clients.push(client)
    const { log, lines } = capturingLog()
    const gate = new Gate('server', log)
    const box = new Outbox<string>({ name: 'test', gate, log, deliver: (p) => outcomeOf(client, p), maxInFlight: 8 })
    for (let n = 1; n <= 10; n++) for (let d = 0; d < 5; d++) box.enqueue(d, `/m?d=${d}&n=${n}`)
    await until(() => box.stats.sent === 50)
    for (let d = 0; d < 5; d++) {
      const mine = got.filter((u) => u.startsWith(`/m?d=${d}&`)).map((u) => Number(u.split('n=')[1]))
      expect(mine).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }
    // Once the 503 was out, nothing new came for the second it asked for (what was in flight arrived at once).
    const asked = busyUntil - 500
    expect(arrivals.filter((t) => t > asked + 100 && t < asked + 1000)).toEqual([])
    expect(box.stats).toMatchObject({ sent: 50, dropped: 0, buffered: 0, inFlight: 0 })
    expect(box.stats.retried).toBeGreaterThanOrEqual(1)
    expect(lines.filter((l) => l.msg.includes('unavailable'))).toHaveLength(1)
    expect(lines.filter((l) => l.msg.includes('reachable again'))).toHaveLength(1)
  })

  it('survives a server that is down, backing off instead of spinning, and delivers when it returns', async () => {
    // Find a free port, then close it: connections are refused until the server comes back there.
    const probe = await listen(() => {})
    const port = portOf(probe)
    await new Promise((r) => probe.close(r))
    const client = new HttpClient(`http://127.0.0.1:${port}`)
    clients.push(client)
    const { log } = capturingLog()
    const gate = new Gate('server', log)
    let attempts = 0
    const box = new Outbox<string>({
      name: 'test', gate, log, bufferPerKey: 3,
      deliver: (p) => {
        attempts++
        return outcomeOf(client, p)
      },
    })
    for (let n = 1; n <= 5; n++) box.enqueue(7, `/m?n=${n}`)
    await sleep(2500)
    // 1 s, then 2 s of back-off: a handful of attempts, not thousands.
    expect(attempts).toBeGreaterThanOrEqual(2)
    expect(attempts).toBeLessThanOrEqual(4)
    // The device kept only its newest three.
    expect(box.stats.overflowed).toBe(2)
    const got: string[] = []
    servers.push(await listen((req, res) => {
      got.push(req.url!)
      res.writeHead(200).end()
    }, port))
    await until(() => box.stats.sent === 3)
    expect(got).toEqual(['/m?n=3', '/m?n=4', '/m?n=5'])
  })

  it('drops what the server refuses for good, and says so once', async () => {
    const server = await listen((_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}'))
    servers.push(server)
    const client = new HttpClient(`http://127.0.0.1:${portOf(server)}`)
    clients.push(client)
    const { log, lines } = capturingLog()
    const box = new Outbox<string>({ name: 'open311', gate: new Gate('server', log), log, deliver: (p) => outcomeOf(client, p) })
    for (let n = 0; n < 20; n++) box.enqueue(0, `/x${n}`)
    await until(() => box.stats.dropped === 20)
    const warnings = lines.filter((l) => l.msg.includes('refused'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0].reason).toBe('HTTP 404')
    await box.close()
  })
})

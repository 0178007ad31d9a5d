import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server, type Namespace } from 'socket.io'
import { io as connect, type Socket as ClientSocket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SlicedBroadcast } from './sliced-broadcast.ts'

type Heard = Array<[event: string, payload: unknown]>

/*
 * A real Socket.IO server with connection state recovery, as the live hub has, and three clients joined to one
 * room in a known order, written to one socket per turn.
 */
describe('SlicedBroadcast', () => {
  let http: HttpServer
  let io: Server
  let nsp: Namespace
  let url: string
  const clients: ClientSocket[] = []
  const heard: Heard[] = []

  beforeAll(async () => {
    http = createServer()
    io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true } })
    nsp = io.of('/t')
    nsp.on('connection', (socket) => {
      if (!socket.recovered) socket.join('r')
      socket.emit('joined')
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/t`
    // One at a time: the room lists its sockets in the order they joined.
    for (let k = 0; k < 3; k++) {
      const log: Heard = []
      const c = connect(url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 })
      c.onAny((event: string, payload: unknown) => log.push([event, payload]))
      await new Promise<void>((resolve) => c.once('joined', () => resolve()))
      log.length = 0
      clients.push(c)
      heard.push(log)
    }
  })

  afterAll(async () => {
    for (const c of clients) c.close()
    await new Promise<void>((resolve) => io.close(() => resolve()))
  })

  const settle = () => new Promise((r) => setTimeout(r, 200))
  const clear = () => heard.forEach((h) => (h.length = 0))

  it('writes the first slice at once and the rest on later turns, so an event sent meanwhile overtakes them', async () => {
    clear()
    const sliced = new SlicedBroadcast(nsp, 1)
    sliced.send('r', 'frame', [1, 2], [])
    nsp.to('r').emit('event', 'x')
    await settle()
    expect(heard[0]).toEqual([['frame', 1], ['frame', 2], ['event', 'x']])
    expect(heard[1]).toEqual([['event', 'x'], ['frame', 1], ['frame', 2]])
    expect(heard[2]).toEqual([['event', 'x'], ['frame', 1], ['frame', 2]])
  })

  it('keeps the order of everything sent, across slices still waiting', async () => {
    clear()
    const sliced = new SlicedBroadcast(nsp, 2)
    for (let n = 0; n < 5; n++) sliced.send('r', 'frame', [n], [])
    await settle()
    for (const h of heard) expect(h).toEqual([0, 1, 2, 3, 4].map((n) => ['frame', n]))
  })

  it('leaves out the sockets it is told to skip', async () => {
    clear()
    new SlicedBroadcast(nsp, 1).send('r', 'frame', [7], [clients[1].id!])
    await settle()
    expect(heard.map((h) => h.length)).toEqual([1, 0, 1])
  })

  it('gives a client that was away what it missed, once, when its session is recovered', async () => {
    clear()
    const away = clients[2]
    const back = new Promise<void>((resolve) => away.once('connect', () => resolve()))
    // A dropped connection (not a goodbye): the server keeps the session for recovery.
    away.io.engine.close()
    await new Promise((r) => setTimeout(r, 20))
    new SlicedBroadcast(nsp, 1).send('r', 'frame', [9], [])
    await back
    await settle()
    expect(away.recovered).toBe(true)
    expect(heard[2].filter(([event]) => event === 'frame')).toEqual([['frame', 9]])
    expect(heard[0]).toEqual([['frame', 9]])
    expect(heard[1]).toEqual([['frame', 9]])
  })
})

import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MediaStreamTrack, RTCPeerConnection } from 'werift'

/**
 * A stand-in for MediaMTX in tests: one WHEP endpoint, `http://127.0.0.1:<port>/<path>/whep`, answering the way
 * MediaMTX's WebRTC server does (POST an application/sdp offer → 201 with the SDP answer and a Location of the
 * session; DELETE on that Location ends it; the same CORS headers), with a real video track behind it: Debian's
 * ffmpeg draws its test pattern, encodes VP8 and sends RTP to us on loopback, and werift (WebRTC in TypeScript)
 * forwards those packets to every viewer. Test code only: the product integrates media servers, it never runs one.
 *
 * Everything stays on loopback: no STUN server, and only 127.0.0.1 candidates are offered to the browser and taken
 * from it (the browser reaches us from its own host candidates, which we learn as peer-reflexive).
 */

/** ffmpeg's dynamic payload type for the one stream it sends. */
const VP8_PT = 96

export interface WhepStandIn {
  /** The WHEP endpoint, as a camera's stream_url. */
  readonly url: string
  /** Its origin, for MEDIA_ORIGINS. */
  readonly origin: string
  /** Sessions created by a POST and not yet ended by a DELETE. */
  readonly sessions: number
  /** Every request as `METHOD path status`, in order (preflights included). */
  readonly requests: readonly string[]
  /** Answer every offer with this status, as MediaMTX does (404) for a path nobody publishes; null: serve again. */
  refuse(status: number | null): void
  /**
   * Send each session answered from now on only its first `count` frames once connected, then nothing, as a camera
   * that stalls (0: a session that connects and never shows a picture); null: every frame again.
   */
  sendFrames(count: number | null): void
  stop(): Promise<void>
}

export async function startWhepStandIn(path = 'camera'): Promise<WhepStandIn> {
  const sessions = new Map<string, { pc: RTCPeerConnection; track: MediaStreamTrack; framesLeft: number }>()
  const requests: string[] = []
  let refusing: number | null = null
  let frameLimit = Infinity

  // ffmpeg → RTP on loopback → every session's track (werift sets each viewer's SSRC and payload type).
  const rtp = createSocket('udp4')
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve))
  rtp.on('message', (packet) => {
    // ffmpeg's sender reports come to the same port (rtcpport below); only the media goes on.
    if ((packet[1] & 0x7f) !== VP8_PT) return
    // The RTP marker bit ends a frame; frames sent before the session is connected never reach it.
    const endsFrame = (packet[1] & 0x80) !== 0
    for (const s of sessions.values()) {
      if (s.framesLeft === 0) continue
      s.track.writeRtp(packet)
      if (endsFrame && s.pc.connectionState === 'connected') s.framesLeft--
    }
  })
  const rtpPort = (rtp.address() as AddressInfo).port
  // A keyframe every second, so a viewer who joins mid-stream has a picture within a second. One encoder thread:
  // libvpx's default threads cost several times the CPU on a shared 2-core machine (about 3 % of a core with one).
  const ffmpeg = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=15',
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1', '-b:v', '600k', '-g', '15', '-an',
    '-f', 'rtp', '-payload_type', String(VP8_PT), `rtp://127.0.0.1:${rtpPort}?pkt_size=1200&rtcpport=${rtpPort}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  let ffmpegErrors = ''
  ffmpeg.stderr.on('data', (d: Buffer) => (ffmpegErrors += d.toString()))
  const ffmpegExited = new Promise<void>((resolve) => ffmpeg.once('exit', () => resolve()))

  const answer = async (offer: string): Promise<{ id: string; sdp: string }> => {
    const track = new MediaStreamTrack({ kind: 'video' })
    // werift's default codecs (VP8, Opus); no STUN server (its default is a public one).
    const pc = new RTCPeerConnection({ iceServers: [], iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'] })
    pc.addTransceiver(track, { direction: 'sendonly' })
    await pc.setRemoteDescription({ type: 'offer', sdp: loopbackOnly(offer) })
    await pc.setLocalDescription(await pc.createAnswer())
    // Non-trickle, as the wall's client expects: the answer carries every candidate.
    while (pc.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 20))
    const id = randomUUID()
    sessions.set(id, { pc, track, framesLeft: frameLimit })
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') end(id)
    })
    return { id, sdp: loopbackOnly(pc.localDescription!.sdp) }
  }
  const end = (id: string): boolean => {
    const s = sessions.get(id)
    if (!s) return false
    sessions.delete(id)
    s.track.stop()
    void s.pc.close()
    return true
  }

  const endpoint = `/${path}/whep`
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x')
    // MediaMTX's headers on every answer (webrtcAllowOrigin defaults to '*').
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Access-Control-Allow-Credentials', 'true')
    const body = await readBody(req)
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', 'OPTIONS, GET, POST, PATCH, DELETE')
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match')
      return res.writeHead(204).end()
    }
    if (url.pathname === endpoint && req.method === 'POST') {
      if (refusing !== null) return error(res, refusing, 'no stream is available on path')
      if (req.headers['content-type']?.split(';')[0].trim() !== 'application/sdp') return error(res, 400, 'invalid Content-Type')
      const { id, sdp } = await answer(body)
      res.setHeader('Content-Type', 'application/sdp')
      res.setHeader('Access-Control-Expose-Headers', 'ETag, ID, Accept-Patch, Link, Location')
      res.setHeader('ETag', '*')
      res.setHeader('ID', id)
      res.setHeader('Accept-Patch', 'application/trickle-ice-sdpfrag')
      res.setHeader('Location', `${endpoint}/${id}`)
      return res.writeHead(201).end(sdp)
    }
    if (url.pathname.startsWith(`${endpoint}/`) && req.method === 'DELETE') {
      return end(url.pathname.slice(endpoint.length + 1)) ? res.writeHead(200).end() : error(res, 404, 'session not found')
    }
    return error(res, 404, 'not found')
  }
  const http = createServer((req, res) => {
    res.on('finish', () => requests.push(`${req.method} ${req.url} ${res.statusCode}`))
    handle(req, res).catch((err: Error) => error(res, 500, err.message))
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`

  return {
    url: `${origin}${endpoint}`,
    origin,
    get sessions() {
      return sessions.size
    },
    requests,
    refuse(status) {
      refusing = status
    },
    sendFrames(count) {
      frameLimit = count ?? Infinity
    },
    async stop() {
      for (const id of [...sessions.keys()]) end(id)
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
      ffmpeg.kill('SIGTERM')
      await ffmpegExited
      rtp.close()
      if (ffmpegErrors.trim()) throw new Error(`WHEP stand-in's ffmpeg: ${ffmpegErrors.trim()}`)
    },
  }
}

/** The SDP without candidates off loopback (and without the browser's mDNS names, which we would have to resolve). */
function loopbackOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || / 127\.\d+\.\d+\.\d+ /.test(line))
    .join('\r\n')
}

function error(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end()
  res.setHeader('Content-Type', 'application/json')
  res.writeHead(status).end(JSON.stringify({ error: message }))
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}

import type { CameraView } from './api.ts'

/**
 * A camera's picture in a tile or the takeover card: its live stream (HLS through hls.js, or WebRTC from a WHEP
 * endpoint of go2rtc/MediaMTX), else a snapshot refreshed every few seconds, else a plain "no picture" panel.
 * A stream that fails, or that shows no picture or stops showing one, falls back to the snapshot and is tried
 * again a little later.
 */

const SNAPSHOT_REFRESH_MS = 10_000
const RETRY_STREAM_MS = 20_000
const ICE_GATHERING_MS = 2_000
/** `?videostart=` and `?videostall=` in seconds, for media servers or cameras slower than the defaults below. */
const limitMs = (param: string, fallbackMs: number) => {
  const s = Number(new URLSearchParams(location.search).get(param))
  return Number.isFinite(s) && s > 0 ? s * 1000 : fallbackMs
}
/**
 * To the first frame: WHEP's offer and answer (ICE gathering up to 2 s) and a keyframe, or a media server's HLS
 * muxer started on demand and its first segment, a camera keyframe interval of several seconds. A stream that
 * connects and shows nothing by then is a black tile, not a slow start.
 */
const START_TIMEOUT_MS = limitMs('videostart', 10_000)
/**
 * Between frames once playing: a few keyframe intervals of a typical camera (1–4 s), so WebRTC's brief freeze
 * while a lost keyframe is asked for again is waited out, and a frozen picture does not stay on the wall for long.
 */
const STALL_TIMEOUT_MS = limitMs('videostall', 8_000)

export interface MediaLabels {
  live: string
  snapshot: string
  noPicture: string
}

export interface CameraMedia {
  readonly el: HTMLElement
  /** What is showing now. */
  readonly showing: 'video' | 'snapshot' | 'none'
  destroy(): void
}

interface Player {
  stop(): void
}

/**
 * @param view what the server says this camera can be watched with (undefined: nothing)
 * @param snapshotUrl a snapshot of this particular alert, if it came with one: shown when nothing plays
 */
export function cameraMedia(view: CameraView | undefined, snapshotUrl: string | null, labels: MediaLabels): CameraMedia {
  const el = document.createElement('div')
  el.className = 'cam-media'
  const badge = document.createElement('span')
  badge.className = 'cam-badge'
  el.append(badge)
  let player: Player | null = null
  let retry: ReturnType<typeof setTimeout> | undefined
  let destroyed = false
  let showing: CameraMedia['showing'] = 'none'

  // The camera's latest snapshot changes and is refreshed; an alert's own snapshot is shown as it is.
  const latest = view?.kind === 'snapshot' ? view.url : null
  const still = latest ?? (snapshotUrl && snapshotUrl.startsWith('/') ? snapshotUrl : null)
  const stream = view && view.kind !== 'snapshot' ? view : null

  const show = (what: CameraMedia['showing']) => {
    showing = what
    el.dataset.showing = what
    badge.textContent = what === 'video' ? labels.live : what === 'snapshot' ? labels.snapshot : labels.noPicture
  }

  const fallBack = () => {
    player?.stop()
    player = null
    if (destroyed) return
    player = still ? playSnapshot(el, still, latest !== null, () => show('snapshot')) : null
    if (!still) show('none')
    if (stream) retry = setTimeout(startStream, RETRY_STREAM_MS)
  }

  const startStream = () => {
    if (destroyed || !stream) return
    player?.stop()
    const video = document.createElement('video')
    Object.assign(video, { muted: true, autoplay: true, playsInline: true, disablePictureInPicture: true })
    video.setAttribute('muted', '')
    el.prepend(video)
    video.addEventListener('playing', () => show('video'), { once: true })
    const playing = stream.kind === 'hls' ? playHls(video, stream.url, fallBack) : playWhep(video, stream.url, fallBack)
    const unwatch = watchFrames(video, fallBack)
    player = {
      stop() {
        unwatch()
        playing.stop()
      },
    }
  }

  show('none')
  if (stream) startStream()
  else fallBack()

  return {
    el,
    get showing() {
      return showing
    },
    destroy() {
      destroyed = true
      clearTimeout(retry)
      player?.stop()
      player = null
      el.remove()
    },
  }
}

/**
 * Calls `dead` when the video shows no frame within START_TIMEOUT_MS, or no new one for STALL_TIMEOUT_MS: a stream
 * can connect and send nothing, or stop sending, with no error to tell. Returns the stop of the watch.
 */
function watchFrames(video: HTMLVideoElement, dead: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const arm = (ms: number) => {
    clearTimeout(timer)
    // A hidden page presents no frames (the callbacks stop with its rendering): not the stream's fault.
    timer = setTimeout(() => (document.hidden ? arm(STALL_TIMEOUT_MS) : dead()), ms)
  }
  const frame = () => arm(STALL_TIMEOUT_MS)
  arm(START_TIMEOUT_MS)
  if (typeof video.requestVideoFrameCallback === 'function') {
    let request = 0
    const each = () => {
      frame()
      request = video.requestVideoFrameCallback(each)
    }
    request = video.requestVideoFrameCallback(each)
    return () => {
      clearTimeout(timer)
      video.cancelVideoFrameCallback(request)
    }
  }
  // Without frame callbacks (Firefox before 132): the playhead moving is the frames coming.
  let at = video.currentTime
  const poll = setInterval(() => {
    if (video.currentTime === at) return
    at = video.currentTime
    frame()
  }, 1_000)
  return () => {
    clearTimeout(timer)
    clearInterval(poll)
  }
}

/** HLS through hls.js (loaded on first use); natively where the browser plays HLS itself. */
function playHls(video: HTMLVideoElement, url: string, failed: () => void): Player {
  let stopped = false
  let hls: { destroy(): void } | null = null
  const stopVideo = () => {
    video.removeAttribute('src')
    video.load()
    video.remove()
  }
  void import('hls.js').then(({ default: Hls }) => {
    if (stopped) return
    if (!Hls.isSupported()) {
      if (!video.canPlayType('application/vnd.apple.mpegurl')) return failed()
      video.src = url
      video.addEventListener('error', failed, { once: true })
      return
    }
    // A live wall: stay two segments behind the live edge, keep little behind it. fMP4 needs no transmuxing
    // worker, which also keeps the page within a strict Content-Security-Policy.
    const h = new Hls({ liveSyncDurationCount: 2, maxBufferLength: 8, backBufferLength: 4, enableWorker: false })
    hls = h
    let recovered = false
    h.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
        recovered = true
        h.recoverMediaError()
        return
      }
      failed()
    })
    h.loadSource(url)
    h.attachMedia(video)
  }, failed)
  return {
    stop() {
      stopped = true
      hls?.destroy()
      stopVideo()
    },
  }
}

/**
 * WebRTC by WHEP (what go2rtc and MediaMTX serve): POST our SDP offer, get the answer, receive only. The session
 * is deleted on the server when the tile goes, and when the page goes (a wall reloading), so the media server does
 * not keep sending to a viewer who is no longer there.
 */
function playWhep(video: HTMLVideoElement, url: string, failed: () => void): Player {
  const pc = new RTCPeerConnection()
  let stopped = false
  let resource: string | null = null
  const release = () => {
    // keepalive: the request outlives the page when it is sent on the way out.
    if (resource) void fetch(resource, { method: 'DELETE', keepalive: true }).catch(() => undefined)
    resource = null
  }
  pc.addTransceiver('video', { direction: 'recvonly' })
  pc.addTransceiver('audio', { direction: 'recvonly' })
  pc.addEventListener('track', (e) => {
    if (video.srcObject) return
    video.srcObject = e.streams[0] ?? new MediaStream([e.track])
  })
  pc.addEventListener('connectionstatechange', () => {
    if (!stopped && pc.connectionState === 'failed') failed()
  })
  const negotiate = async () => {
    await pc.setLocalDescription(await pc.createOffer())
    await gathered(pc, ICE_GATHERING_MS)
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription!.sdp })
    if (res.status !== 201 && res.status !== 200) throw new Error(`WHEP ${res.status}`)
    const location = res.headers.get('Location')
    resource = location ? new URL(location, new URL(url, window.location.href)).href : null
    // Gone while the server was answering: its new session is not wanted.
    if (stopped) return release()
    const answer = await res.text()
    if (stopped) return
    await pc.setRemoteDescription({ type: 'answer', sdp: answer })
  }
  negotiate().catch(() => {
    if (!stopped) failed()
  })
  const stop = () => {
    stopped = true
    window.removeEventListener('pagehide', stop)
    pc.close()
    video.srcObject = null
    video.remove()
    release()
  }
  window.addEventListener('pagehide', stop)
  return { stop }
}

/** Until ICE gathering completes (WHEP without trickle), or the time is up and we go with what we have. */
function gathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return
      pc.removeEventListener('icegatheringstatechange', done)
      resolve()
    }
    pc.addEventListener('icegatheringstatechange', done)
    setTimeout(resolve, timeoutMs)
  })
}

/** A JPEG, reloaded every few seconds if it is a camera's latest; the old picture stays until the new one has loaded. */
function playSnapshot(el: HTMLElement, url: string, refresh: boolean, loaded: () => void): Player {
  const img = document.createElement('img')
  img.alt = ''
  el.prepend(img)
  const load = () => {
    const next = new Image()
    next.onload = () => {
      img.src = next.src
      loaded()
    }
    next.src = refresh ? `${url}${url.includes('?') ? '&' : '?'}t=${Date.now()}` : url
  }
  load()
  const timer = refresh ? setInterval(load, SNAPSHOT_REFRESH_MS) : undefined
  return {
    stop() {
      clearInterval(timer)
      img.remove()
    },
  }
}

import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import type { Queryable } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import { LOCAL_STREAM_PLAYLIST, localStreamCamera } from './local-stream-url.ts'

/**
 * Live test streams for the demo city: one Debian ffmpeg per camera whose stream URL is local (`/video/<id>/...`),
 * drawing its test pattern with the camera's name and a clock burned in, and writing a rolling HLS playlist into
 * the data folder for our server to serve. We run a test source, not a media server: real cameras come from
 * go2rtc, MediaMTX or an NVR.
 *
 * H.264 (baseline, ultrafast) in fragmented MP4: Debian's Chromium plays it through hls.js and MSE (checked by the
 * wall's browser test), and at 640x360 and 15 fps one stream costs about 3 % of a core.
 */

/** Fonts that have Chinese glyphs for the burned-in name (fonts-noto-cjk on Debian), first found wins. */
const FONT_CANDIDATES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
]

const RESTART_MS = 5000
const STOP_GRACE_MS = 3000

export interface TestStreamCamera {
  id: string
  /** Burned into the picture, e.g. `cam-0001 · 北门入口`. */
  label: string
}

export interface TestStreamOptions {
  /** Streams go to `<dir>/<camera id>/` (DATA_DIR/video). */
  dir: string
  cameras: readonly TestStreamCamera[]
  log: Logger
  /** Where to look for ffmpeg; default the process's PATH. */
  path?: string
}

/** An executable of that name on the PATH, or null. */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const file = join(dir, command)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return null
}

/** ffmpeg's arguments for one camera: test pattern, name bar and clock, 1 s HLS segments, six in the playlist. */
export function ffmpegArgs(outDir: string, fontFile: string | null): string[] {
  const text = (file: string, at: string, more = '') =>
    `drawtext=fontfile=${fontFile}:textfile=${join(outDir, file)}:${at}:fontsize=20:fontcolor=white${more}`
  // The name along a bar at the bottom, the clock top right below where the wall puts its LIVE badge (testsrc2
  // draws its own counter top left).
  const overlay = fontFile
    ? `,drawbox=x=0:y=ih-40:w=iw:h=40:color=black@0.62:t=fill,${text('.label.txt', 'x=12:y=h-31')},` +
      text('.clock.txt', 'x=w-tw-12:y=52', ':box=1:boxcolor=black@0.62:boxborderw=6')
    : ''
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=15',
    '-vf', `eq=saturation=0.5${overlay}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    // A keyframe every second, so every segment starts one and a player can join at any segment.
    '-g', '15', '-keyint_min', '15', '-sc_threshold', '0', '-b:v', '600k',
    // Six segments in the playlist, and the ten before them kept on disk a little longer: a player on a busy
    // machine that falls behind still finds the segment it asked for.
    '-f', 'hls', '-hls_time', '1', '-hls_list_size', '6', '-hls_delete_threshold', '10',
    '-hls_flags', 'delete_segments+independent_segments+omit_endlist',
    '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(outDir, 'seg-%05d.m4s'),
    join(outDir, LOCAL_STREAM_PLAYLIST),
  ]
}

export class TestStreams {
  private readonly children = new Map<string, ChildProcess>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private closing = false

  private constructor(
    private readonly opts: TestStreamOptions,
    private readonly ffmpeg: string | null,
    private readonly fontFile: string | null,
  ) {}

  /** Starts a stream per camera when ffmpeg is on the PATH; without it, logs so and runs none. */
  static async start(opts: TestStreamOptions): Promise<TestStreams> {
    const ffmpeg = opts.cameras.length ? findOnPath('ffmpeg', opts.path) : null
    const font = FONT_CANDIDATES.find((f) => existsSync(f)) ?? null
    const streams = new TestStreams(opts, ffmpeg, font)
    if (!opts.cameras.length) return streams
    if (!ffmpeg) {
      opts.log.warn({ cameras: opts.cameras.map((c) => c.id) }, 'ffmpeg not on PATH: no local test streams, these cameras show snapshots')
      return streams
    }
    if (!font) opts.log.warn('no font for the burned-in camera names: test streams without text')
    // A camera whose stream cannot start (its folder held by another process, a full disk) shows snapshots; the
    // server does not go down for a demo stream.
    for (const c of opts.cameras) {
      await streams.launch(c).catch((err: Error) => opts.log.error({ camera: c.id, err: err.message }, 'test stream not started: the camera shows snapshots'))
    }
    opts.log.info({ cameras: opts.cameras.map((c) => c.id), dir: opts.dir }, 'local test streams started')
    return streams
  }

  /** Cameras whose test stream is being written. */
  get cameras(): ReadonlySet<string> {
    return new Set(this.children.keys())
  }

  private async launch(camera: TestStreamCamera): Promise<void> {
    const out = join(this.opts.dir, camera.id)
    // A playlist left by an earlier run would be served as live until ffmpeg replaces it.
    await rm(out, { recursive: true, force: true, maxRetries: 3 })
    await mkdir(out, { recursive: true })
    await writeFile(join(out, '.label.txt'), camera.label)
    // %F %T rather than %H:%M:%S: a colon would end drawtext's expansion argument.
    await writeFile(join(out, '.clock.txt'), '%{localtime:%F %T}')
    if (this.closing) return
    const child = spawn(this.ffmpeg!, ffmpegArgs(out, this.fontFile), { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
    child.on('error', (err) => this.opts.log.error({ camera: camera.id, err: err.message }, 'test stream failed to start'))
    // ffmpeg does not notice its parent leaving: a server that exits without close() must not leave it running.
    const reap = () => child.kill('SIGKILL')
    process.once('exit', reap)
    child.on('exit', (code, signal) => {
      process.off('exit', reap)
      if (this.children.get(camera.id) === child) this.children.delete(camera.id)
      if (this.closing) return
      this.opts.log.warn({ camera: camera.id, code, signal, stderr: stderr.trim() }, `test stream stopped; restarting in ${RESTART_MS / 1000} s`)
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        void this.launch(camera).catch((err: Error) => this.opts.log.error({ camera: camera.id, err: err.message }, 'test stream not restarted'))
      }, RESTART_MS)
      this.timers.add(timer)
    })
    this.children.set(camera.id, child)
  }

  /** Stops every ffmpeg (SIGTERM, SIGKILL after a grace period) and waits for them to exit. */
  async close(): Promise<void> {
    this.closing = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
            child.once('exit', () => {
              clearTimeout(kill)
              resolve()
            })
            child.kill('SIGTERM')
          }),
      ),
    )
    this.children.clear()
  }
}

/**
 * Starts a test stream for every camera configured with a local HLS URL (the demo city has a few), unless
 * switched off (VIDEO_TEST_STREAMS=off). Those cameras show snapshots when no stream runs.
 */
export async function startCameraTestStreams(
  db: Queryable,
  opts: { dir: string; enabled: boolean; log: Logger; path?: string },
): Promise<TestStreams> {
  const r = await db.query<{ id: string; name: string; url: string }>(
    `SELECT id, name, stream_url AS url FROM camera WHERE stream_kind = 'hls' AND stream_url LIKE '/video/%' ORDER BY id`,
  )
  const cameras = r.rows
    .filter((c) => localStreamCamera(c.url) === c.id)
    .map((c) => ({ id: c.id, label: `${c.id} · ${c.name}` }))
  if (!opts.enabled && cameras.length) opts.log.info({ cameras: cameras.length }, 'local test streams off (VIDEO_TEST_STREAMS=off)')
  return TestStreams.start({ dir: opts.dir, cameras: opts.enabled ? cameras : [], log: opts.log, path: opts.path })
}

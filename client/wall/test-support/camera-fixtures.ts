import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A camera still as an AI box would upload it: a dim grainy frame, a detection box and the camera's on-screen
 * text, made by Debian's ffmpeg.
 */
export function snapshotJpeg(osd: string, seed: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'gw-snap-'))
  try {
    writeFileSync(join(dir, 'osd.txt'), osd)
    const font = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
    const x = 180 + ((seed * 97) % 260)
    const r = spawnSync('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-f', 'lavfi',
      '-i', `gradients=s=640x360:c0=0x0f172a:c1=0x3b4a61:c2=0x1e3a5f:x0=0:y0=0:x1=640:y1=360:seed=${seed}`,
      '-vf', [
        'noise=alls=18:allf=t',
        `drawbox=x=${x}:y=130:w=84:h=170:color=0xf59e0b@0.95:t=3`,
        `drawtext=fontfile=${font}:textfile=${join(dir, 'osd.txt')}:x=14:y=66:fontsize=20:fontcolor=white@0.92:borderw=1:bordercolor=black`,
      ].join(','),
      '-frames:v', '1', '-q:v', '4', '-f', 'mjpeg', 'pipe:1',
    ], { maxBuffer: 4 << 20 })
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`)
    return r.stdout
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A Frigate 0.14+ review as Frigate publishes it on `frigate/reviews` when activity starts. */
export function frigateReviewNew(camera: string, label: string, startS: number): string {
  const id = `${startS.toFixed(6)}-${Math.random().toString(36).slice(2, 8)}`
  const review = {
    id, camera, start_time: startS, end_time: null, severity: 'alert',
    thumb_path: `/media/frigate/clips/review/thumb-${camera}-${id}.webp`,
    data: { detections: [`${startS.toFixed(6)}-det001`], objects: [label], sub_labels: [], zones: ['road'], audio: [] },
  }
  return JSON.stringify({ type: 'new', before: review, after: review })
}

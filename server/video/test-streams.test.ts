import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { TestStreams } from './test-streams.ts'

/** Log records as objects, to see what the service told the operator. */
function capturingLog() {
  const lines: Array<{ level: number; msg: string }> = []
  const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) })
  return { log, lines }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now()
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('local test streams (Debian ffmpeg)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-streams-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes a rolling H.264 fMP4 HLS playlist per camera and stops ffmpeg on close', async () => {
    const { log } = capturingLog()
    const streams = await TestStreams.start({ dir, cameras: [{ id: 'cam-0001', label: 'cam-0001 · 北门入口' }], log })
    try {
      expect([...streams.cameras]).toEqual(['cam-0001'])
      const out = join(dir, 'cam-0001')
      const segments = () => (existsSync(join(out, 'index.m3u8')) ? readFileSync(join(out, 'index.m3u8'), 'utf8').match(/^seg-\d+\.m4s$/gm) ?? [] : [])
      await until(() => segments().length >= 2, 15_000)
      const playlist = readFileSync(join(out, 'index.m3u8'), 'utf8')
      expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"')
      expect(playlist).not.toContain('#EXT-X-ENDLIST')
      // An H.264 sample entry in the init segment: what Chromium's MSE is asked to play.
      expect(readFileSync(join(out, 'init.mp4')).includes(Buffer.from('avc1'))).toBe(true)
      for (const s of segments()) expect(existsSync(join(out, s))).toBe(true)
    } finally {
      await streams.close()
    }
    expect(streams.cameras.size).toBe(0)
    // Stopped: no new segment appears.
    const before = readdirSync(join(dir, 'cam-0001')).sort().join()
    await new Promise((r) => setTimeout(r, 1500))
    expect(readdirSync(join(dir, 'cam-0001')).sort().join()).toBe(before)
  })

  it('without ffmpeg on the PATH runs no stream and says so', async () => {
    const { log, lines } = capturingLog()
    const streams = await TestStreams.start({ dir, cameras: [{ id: 'cam-0002', label: 'x' }], log, path: join(dir, 'no-such-bin') })
    expect(streams.cameras.size).toBe(0)
    expect(lines.find((l) => l.level === 40)?.msg).toMatch(/ffmpeg not on PATH/)
    expect(existsSync(join(dir, 'cam-0002'))).toBe(false)
    await streams.close()
  })
})

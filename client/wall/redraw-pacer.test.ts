import { describe, expect, it } from 'vitest'
import { RedrawPacer } from './redraw-pacer.ts'

/** Drives the pacer over frame gaps, redrawing whenever it allows; returns which frames redrew. */
function run(gaps: number[]): boolean[] {
  const pacer = new RedrawPacer()
  let t = 0
  return gaps.map((gap) => {
    t += gap
    const due = pacer.frame(t)
    if (due) pacer.drawn()
    return due
  })
}

describe('redraw pacer', () => {
  it('redraws every frame when a redraw costs no more than the display interval', () => {
    expect(run([16, 16, 16, 17, 16, 16])).toEqual([true, true, true, true, true, true])
  })

  it('after a redraw that held the frames up, waits as long again before the next', () => {
    // Frame 2 redraws; the next gap is 1,000 ms (984 over the display interval), then frames are on time.
    const gaps = [16, 16, 1000, 16, ...Array(61).fill(16), 16]
    const drew = run(gaps)
    expect(drew.slice(0, 4)).toEqual([true, true, false, false])
    // 984 ms after frame 3 (at 1,048 ms) is 2,032 ms: frame 65 (at 2,040 ms) is the first due.
    expect(drew.indexOf(true, 3)).toBe(65)
  })

  it('stops watching after three slow frames, so a machine slow for other reasons still redraws', () => {
    const drew = run([16, 16, 300, 300, 300, ...Array(60).fill(16)])
    expect(drew.slice(0, 5)).toEqual([true, true, false, false, false])
    // Frames 2-4 cost 852 ms over the display interval, counted from frame 4 (932 ms): frame 58 (1,796 ms).
    expect(drew.indexOf(true, 2)).toBe(58)
  })
})

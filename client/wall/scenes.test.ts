import { describe, expect, it } from 'vitest'
import { SceneDirector, type ActiveTakeover, type Scene } from './scenes.ts'

function director(dwellMs = 10_000, takeoverMs = 5_000) {
  const shown: string[] = []
  const takeovers: (string | null)[] = []
  const d = new SceneDirector({
    dwellMs,
    takeoverMs,
    onScene: (s: Scene) => shown.push(s.id),
    onTakeover: (t: ActiveTakeover | null) => takeovers.push(t?.key ?? null),
  })
  d.setScenes([{ id: 'city', kind: 'city' }, { id: 'street:1', kind: 'street', code: '1' }, { id: 'heatmap', kind: 'heatmap' }], 0)
  return { d, shown, takeovers }
}

const req = (key: string) => ({ key, kind: 'incident' as const, lon: 0, lat: 0, detail: null })

describe('SceneDirector', () => {
  it('rotates through the scenes with the dwell time and wraps around', () => {
    const { d, shown } = director()
    d.start(0)
    for (let t = 0; t <= 40_000; t += 500) d.tick(t)
    expect(shown).toEqual(['city', 'street:1', 'heatmap', 'city', 'street:1'])
  })

  it('takes over, holds, and returns to the interrupted scene with a full dwell', () => {
    const { d, shown, takeovers } = director()
    d.start(0)
    d.tick(12_000) // street:1 since 12 s
    expect(d.request(req('incident:7'), 15_000)).toBe(true)
    expect(d.takeover?.key).toBe('incident:7')
    d.tick(19_000)
    expect(d.takeover).not.toBeNull()
    d.tick(20_000)
    expect(d.takeover).toBeNull()
    expect(shown.at(-1)).toBe('street:1')
    d.tick(29_000)
    expect(d.scene.id).toBe('street:1')
    d.tick(30_000)
    expect(d.scene.id).toBe('heatmap')
    expect(takeovers).toEqual(['incident:7', null])
  })

  it('queues takeovers that arrive during one and ignores repeats', () => {
    const { d, takeovers } = director()
    d.start(0)
    d.request(req('a'), 1000)
    expect(d.request(req('b'), 2000)).toBe(true)
    expect(d.request(req('a'), 2500)).toBe(false)
    d.tick(6000)
    expect(d.takeover?.key).toBe('b')
    d.acknowledge('b', 7000)
    expect(takeovers).toEqual(['a', 'b', null])
    expect(d.shown).toBe(2)
  })

  it('ends an acknowledged takeover at once, drops an acknowledged one from the queue, ignores others', () => {
    const { d, takeovers, shown } = director()
    d.start(0)
    d.request(req('a'), 1000)
    d.request(req('b'), 1500)
    d.request(req('c'), 1600)
    // Another takeover's acknowledgement leaves the one showing alone.
    expect(d.acknowledge('x', 2000)).toBe(false)
    expect(d.takeover?.key).toBe('a')
    expect(d.acknowledge('b', 2100)).toBe(true)
    expect(d.pending).toBe(1)
    expect(d.acknowledge('a', 2200)).toBe(true)
    expect(d.takeover?.key).toBe('c')
    expect(d.takeover?.startedAt).toBe(2200)
    d.acknowledge('c', 2300)
    expect(d.takeover).toBeNull()
    expect(takeovers).toEqual(['a', 'c', null])
    // Straight back to the interrupted scene, with a full dwell.
    expect(shown.at(-1)).toBe('city')
    expect(d.progress(2300)).toBe(0)
    // Acknowledged before it arrived (a late, redelivered event): it never takes the screen.
    expect(d.request(req('x'), 2400)).toBe(false)
    expect(d.takeover).toBeNull()
  })

  it('keeps the current scene when the rotation is replaced and still has it', () => {
    const { d } = director()
    d.start(0)
    d.tick(10_000)
    d.setScenes([{ id: 'city', kind: 'city' }, { id: 'street:1', kind: 'street', code: '1' }], 11_000)
    expect(d.scene.id).toBe('street:1')
  })
})

import { describe, expect, it } from 'vitest'
import { KeyedSeries } from './keyed-series.ts'

const later = <T>(ms: number, value: T, log: string[], name: string) =>
  new Promise<T>((resolve) => setTimeout(() => (log.push(name), resolve(value)), ms))

describe('KeyedSeries', () => {
  it('runs one key in order and different keys side by side, and forgets finished keys', async () => {
    const series = new KeyedSeries()
    const log: string[] = []
    const results = await Promise.all([
      series.run('a', () => later(30, 1, log, 'a1')),
      series.run('a', () => later(1, 2, log, 'a2')),
      series.run('b', () => later(10, 3, log, 'b1')),
    ])
    expect(results).toEqual([1, 2, 3])
    expect(log).toEqual(['b1', 'a1', 'a2'])
    expect(series.size).toBe(0)
  })

  it('goes on with the next job of a key after one fails', async () => {
    const series = new KeyedSeries()
    const failed = series.run('a', () => Promise.reject(new Error('no')))
    const next = series.run('a', async () => 'ran')
    await expect(failed).rejects.toThrow('no')
    await expect(next).resolves.toBe('ran')
  })

  it('takes a job that throws before returning a promise as failed, with or without a job before it', async () => {
    const series = new KeyedSeries()
    const boom = (): Promise<string> => {
      throw new Error('boom')
    }
    const first = series.run('a', boom)
    const second = series.run('a', boom)
    const third = series.run('a', async () => 'ran')
    await expect(first).rejects.toThrow('boom')
    await expect(second).rejects.toThrow('boom')
    await expect(third).resolves.toBe('ran')
    expect(series.size).toBe(0)
  })
})

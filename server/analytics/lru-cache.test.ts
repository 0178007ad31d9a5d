import { expect, it } from 'vitest'
import { LruCache } from './lru-cache.ts'

it('drops the least recently used entry beyond its bound, and expired entries', () => {
  const c = new LruCache<number>(2, 1000)
  c.set('a', 1, 0)
  c.set('b', 2, 0)
  expect(c.get('a', 10)).toBe(1) // a is now the most recent
  c.set('c', 3, 10)
  expect([c.get('a', 20), c.get('b', 20), c.get('c', 20)]).toEqual([1, undefined, 3])
  expect(c.get('a', 1000)).toBeUndefined()
  expect(c.size).toBe(1)
})

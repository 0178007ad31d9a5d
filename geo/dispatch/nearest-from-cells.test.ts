import { describe, expect, it } from 'vitest'
import { nearestFromCells } from './nearest-from-cells.ts'

const row = (id: string, cellDeg: number, deg: number) => ({ id, cellDeg, deg })
const ids = (rows: Array<{ id: string }> | null) => rows?.map((r) => r.id) ?? null

describe('nearestFromCells', () => {
  it('re-ranks the rows by exact distance', () => {
    const rows = [row('a', 0.001, 0.0014), row('b', 0.001, 0.0008), row('c', 0.002, 0.0019)]
    expect(ids(nearestFromCells(rows, 2, 10, 0.0007))).toEqual(['b', 'a'])
  })

  it('is certain when the walk ran out of rows, however far the last one is', () => {
    const rows = [row('a', 0.0001, 0.0007), row('b', 0.0002, 0.0009)]
    expect(ids(nearestFromCells(rows, 2, 5, 0.0007))).toEqual(['a', 'b'])
    expect(ids(nearestFromCells(rows, 5, 5, 0.0007))).toEqual(['a', 'b'])
  })

  it('is certain when no row left unread can be nearer than the last one kept', () => {
    // Unread rows are at least 0.005 - 0.0007 = 0.0043 away; the second nearest found is 0.004 away.
    const rows = [row('a', 0.001, 0.001), row('b', 0.004, 0.004), row('c', 0.005, 0.0055)]
    expect(ids(nearestFromCells(rows, 2, 3, 0.0007))).toEqual(['a', 'b'])
  })

  it('asks for more rows when an unread one could still be nearer', () => {
    // An unread row may be 0.005 - 0.0007 = 0.0043 away, nearer than b at 0.0045.
    const rows = [row('a', 0.001, 0.001), row('b', 0.004, 0.0045), row('c', 0.005, 0.0055)]
    expect(nearestFromCells(rows, 2, 3, 0.0007)).toBeNull()
  })

  it('leaves its input in walk order', () => {
    const rows = [row('a', 0.001, 0.0014), row('b', 0.001, 0.0008)]
    nearestFromCells(rows, 1, 10, 0.0007)
    expect(ids(rows)).toEqual(['a', 'b'])
  })
})

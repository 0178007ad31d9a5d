import { expect, it } from 'vitest'
import { paiRows, parseKs, type PaiResponse } from './pai-table.ts'

it('shows area flagged, incidents captured of the next window and PAI per k', () => {
  const res: PaiResponse = {
    cells: 'grid', rank: 'density',
    train: { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', total: 900 },
    test: { from: '2026-04-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z', total: 800 },
    results: [
      { k: 5, cells: 12, areaShare: 0.05123, captured: 200, hitRate: 0.25, pai: 4.8799 },
      { k: 20, cells: 40, areaShare: 0.2, captured: 400, hitRate: 0.5, pai: 2.5 },
    ],
  }
  expect(paiRows(res)).toEqual([
    ['5%', '12', '5.12%', '200/800', '25.0%', '4.88'],
    ['20%', '40', '20.00%', '400/800', '50.0%', '2.50'],
  ])
})

it('accepts comma- or space-separated percentages in (0, 100] only', () => {
  expect(parseKs('1, 5，10 20')).toBe('1,5,10,20')
  expect(parseKs('2.5')).toBe('2.5')
  expect(parseKs('0,5')).toBeNull()
  expect(parseKs('150')).toBeNull()
  expect(parseKs('abc')).toBeNull()
  expect(parseKs('')).toBeNull()
})

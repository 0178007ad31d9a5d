import { expect, it } from 'vitest'
import { densityPixels, quantileBreaks, withAlpha } from './layer-colours.ts'

it('breaks values into quantile classes with distinct upper bounds', () => {
  expect(quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([2, 4, 6, 8, 10])
  expect(quantileBreaks([0, 0, 0, 0, 5])).toEqual([0, 5])
  expect(quantileBreaks([])).toEqual([])
})

it('leaves empty cells transparent and colours the densest with the darkest red', () => {
  const px = densityPixels([0, 10], 10)
  expect(Array.from(px.slice(0, 4))).toEqual([0, 0, 0, 0])
  expect(Array.from(px.slice(4, 7))).toEqual([189, 0, 38])
  expect(px[7]).toBe(240)
})

it('writes a hex colour with an opacity as rgba', () => {
  expect(withAlpha('#d62f27', 0.7)).toBe('rgba(214,47,39,0.7)')
})

import { expect, it } from 'vitest'
import { apiUrlOfView, evaluationUrlOfView, paiUrlOfView, rateOfView, searchOfView, viewFromSearch } from './analyst-view.ts'

it('round-trips a view through the page URL and asks the API only for what the layer takes', () => {
  const view = viewFromSearch('?layer=kde&cells=h3&res=8&from=2026-03-01T00:00:00Z&cellM=50&lang=en&hours=7-9')
  expect(view).toEqual({ layer: 'kde', params: { cells: 'h3', res: '8', from: '2026-03-01T00:00:00Z', cellM: '50', hours: '7-9' } })
  expect(apiUrlOfView(view)).toBe('/api/v1/analytics/kde?from=2026-03-01T00%3A00%3A00Z&hours=7-9&cellM=50')
  const search = searchOfView({ layer: 'hotspots', params: { weights: 'distance', band: '400' } }, '?lang=en&layer=kde&cellM=50')
  expect(new URLSearchParams(search).get('lang')).toBe('en')
  expect(viewFromSearch(search)).toEqual({ layer: 'hotspots', params: { weights: 'distance', band: '400' } })
})

it('keeps the counts rate in the URL without sending it to the API', () => {
  const view = viewFromSearch('?layer=counts&rate=residents&cells=grid')
  expect(rateOfView(view)).toBe('residents')
  expect(apiUrlOfView(view)).toBe('/api/v1/analytics/counts?cells=grid')
  expect(new URLSearchParams(searchOfView(view, '')).get('rate')).toBe('residents')
  expect(rateOfView(viewFromSearch('?layer=counts'))).toBe('km2')
  expect(rateOfView(viewFromSearch('?layer=counts&rate=bogus'))).toBe('km2')
})

it('falls back to the hot-spot layer for an unknown one', () => {
  expect(viewFromSearch('?layer=nope').layer).toBe('hotspots')
})

it('asks for the evaluation of the view\'s window and filters only', () => {
  const view = viewFromSearch('?layer=hotspots&cells=h3&from=2026-03-01T00:00:00Z&category=EV&band=400')
  expect(evaluationUrlOfView(view, 'department')).toBe('/api/v1/analytics/evaluation?level=department&from=2026-03-01T00%3A00%3A00Z&category=EV')
})

it('evaluates the hot-spot map of the view\'s window, cells and weights for the chosen k', () => {
  const view = viewFromSearch('?layer=kde&cells=h3&res=8&weights=distance&band=400&cellM=50&from=2026-03-01T00:00:00Z')
  expect(paiUrlOfView(view, '5,10', 'gistar')).toBe(
    '/api/v1/analytics/pai?from=2026-03-01T00%3A00%3A00Z&cells=h3&res=8&weights=distance&band=400&rank=gistar&k=5%2C10',
  )
})

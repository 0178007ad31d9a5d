/**
 * Everything an analyst view shows, read from and written to the page URL, so that every view is a link that
 * opens the same map. Names are those of the API's query parameters (plus `layer`), so the API request is the
 * view's own parameters.
 */
export const LAYERS = ['hotspots', 'counts', 'kde', 'compare'] as const
export type Layer = (typeof LAYERS)[number]

/** Parameters each layer's endpoint understands; anything else in the URL (lang, theme) stays with the page. */
const FILTERS = ['from', 'to', 'hours', 'days', 'category', 'source', 'priority', 'area'] as const
const PARAMS: Record<Layer, readonly string[]> = {
  hotspots: [...FILTERS, 'cells', 'res', 'weights', 'band'],
  counts: [...FILTERS, 'cells', 'res'],
  kde: [...FILTERS, 'cellM', 'bandwidth'],
  compare: [...FILTERS, 'cells', 'res', 'baseline'],
}
/** Settings the page applies itself, kept in the URL but not sent to the API. */
const PAGE_PARAMS: Partial<Record<Layer, readonly string[]>> = { counts: ['rate'] }
export const VIEW_PARAMS = [...new Set([...Object.values(PARAMS).flat(), ...Object.values(PAGE_PARAMS).flat()])]

/** What the counts layer is coloured by: incidents per km², or per 1,000 residents where grids have a population. */
export const RATE_PROPERTIES = { km2: 'perKm2', residents: 'per1000Residents' } as const
export type Rate = keyof typeof RATE_PROPERTIES
export const rateOfView = (v: AnalystView): Rate => (v.params.rate === 'residents' ? 'residents' : 'km2')

export interface AnalystView {
  layer: Layer
  params: Record<string, string>
}

export function viewFromSearch(search: string): AnalystView {
  const q = new URLSearchParams(search)
  const layer = (LAYERS as readonly string[]).includes(q.get('layer') ?? '') ? (q.get('layer') as Layer) : 'hotspots'
  const params: Record<string, string> = {}
  for (const name of VIEW_PARAMS) {
    const v = q.get(name)?.trim()
    if (v) params[name] = v
  }
  return { layer, params }
}

/** The page URL's search for a view, keeping the parameters that are not the view's (lang, theme). */
export function searchOfView(view: AnalystView, current: string): string {
  const q = new URLSearchParams(current)
  for (const name of [...VIEW_PARAMS, 'layer']) q.delete(name)
  q.set('layer', view.layer)
  for (const [k, v] of Object.entries(view.params)) if (v) q.set(k, v)
  return `?${q.toString()}`
}

/** The 综合评价 of a view's window and filters, per grid or per department. */
export function evaluationUrlOfView(view: AnalystView, level: 'grid' | 'department'): string {
  const q = new URLSearchParams({ level })
  for (const name of FILTERS) if (view.params[name]) q.set(name, view.params[name])
  return `/api/v1/analytics/evaluation?${q.toString()}`
}

/**
 * The hot-spot evaluation of a view: the map is made on the view's window (its cells and weights), the API tests it
 * on the equally long window right after, for each top k % of area.
 */
export function paiUrlOfView(view: AnalystView, ks: string, rank: 'density' | 'gistar'): string {
  const q = new URLSearchParams()
  for (const name of PARAMS.hotspots) if (view.params[name]) q.set(name, view.params[name])
  q.set('rank', rank)
  q.set('k', ks)
  return `/api/v1/analytics/pai?${q.toString()}`
}

/** The API request behind a view: only the parameters its endpoint takes. */
export function apiUrlOfView(view: AnalystView): string {
  const q = new URLSearchParams()
  for (const name of PARAMS[view.layer]) if (view.params[name]) q.set(name, view.params[name])
  return `/api/v1/analytics/${view.layer}?${q.toString()}`
}

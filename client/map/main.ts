import { LngLatBounds, Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { lang, t, translatePage, withParam } from '../i18n.ts'
import { basemapStyle, type Theme } from './basemap-style.ts'
import { addGridLevel, GRID_COLORS, GRID_LEVELS, type Grids } from './grid-layers.ts'

/** What browser tests wait for: the map has settled with every grid level drawn. */
interface GridwatchProbe {
  ready: boolean
  /** Areas drawn, all levels together. */
  gridCount: number
  error?: string
}

declare global {
  interface Window {
    __gridwatch: GridwatchProbe
  }
}

const probe: GridwatchProbe = { ready: false, gridCount: 0 }
window.__gridwatch = probe

// Bundled, MapLibre cannot find its worker next to itself; point it at the copy Vite emits.
setWorkerUrl(workerUrl)

const theme: Theme = new URLSearchParams(location.search).get('theme') === 'dark' ? 'dark' : 'light'
document.body.classList.add(`theme-${theme}`)
translatePage()
document.title = `${t('page.map')} · ${t('app.name')}`
setUpThemeSwitch()
for (const level of GRID_LEVELS) {
  document.querySelector<HTMLElement>(`.swatch.${level}`)?.style.setProperty('--grid-color', GRID_COLORS[theme][level])
}

const status = document.getElementById('status')!

main().catch((err: Error) => {
  probe.error = err.message
  status.textContent = t('map.error')
  status.classList.add('error')
})

async function main(): Promise<void> {
  const [tileJson, byLevel] = await Promise.all([
    fetchJson<{ bounds: [number, number, number, number]; minzoom: number }>('/basemap/tiles.json'),
    Promise.all(GRID_LEVELS.map((level) => fetchJson<Grids>(`/api/v1/grids?level=${level}`))),
  ])
  const all = byLevel.flatMap((fc) => fc.features)
  const map = new MapLibreMap({
    container: 'map',
    style: basemapStyle({ theme, lang, origin: location.origin }),
    // A view in the URL hash (kept there as the user moves) wins over these.
    bounds: all.length ? boundsOf(byLevel) : tileJson.bounds,
    fitBoundsOptions: { padding: 40 },
    // Below the baked zooms the basemap would vanish rather than shrink.
    minZoom: tileJson.minzoom,
    hash: true,
    attributionControl: { compact: false },
  })
  await map.once('load')
  // Finest first: each level's outline goes above the previous one, so coarser boundaries stay visible.
  for (let i = GRID_LEVELS.length - 1; i >= 0; i--) addGridLevel(map, GRID_LEVELS[i], byLevel[i], theme, lang)
  await map.once('idle')
  status.hidden = true
  probe.gridCount = all.length
  probe.ready = true
}

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return (await res.json()) as T
}

function boundsOf(collections: Grids[]): LngLatBounds {
  const b = new LngLatBounds()
  for (const fc of collections) {
    for (const f of fc.features) {
      const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
      for (const [x, y] of polygons.flatMap((p) => p[0])) b.extend([x, y])
    }
  }
  return b
}

function setUpThemeSwitch(): void {
  const other: Theme = theme === 'dark' ? 'light' : 'dark'
  const a = document.querySelector<HTMLAnchorElement>('a[data-theme-switch]')!
  a.textContent = t(`map.theme.${other}`)
  a.addEventListener('click', () => (a.href = withParam('theme', other)))
  a.href = withParam('theme', other)
}

import { t } from '../i18n.ts'
import type { CameraView } from './api.ts'
import { cameraMedia, type CameraMedia, type MediaLabels } from './camera-media.ts'
import { ago, hhmmss, tn } from './format.ts'

/** One camera alert as a mosaic tile shows it. */
export interface MosaicAlert {
  key: string
  cameraId: string
  cameraName: string
  /** The detector's label in the page language. */
  typeLabel: string
  place: string
  startedAt: number | null
  state: string
  score: number | null
  snapshotUrl: string | null
}

interface Tile {
  el: HTMLElement
  media: CameraMedia
  time: HTMLElement
  state: HTMLElement
}

export const mediaLabels = (): MediaLabels => ({ live: t('wall.media.live'), snapshot: t('wall.media.snapshot'), noPicture: t('wall.media.noPicture') })

/**
 * The camera-alert mosaic scene: the latest alerts as tiles over the map, each with the camera's live stream,
 * else its snapshot. Tiles (and their players) are kept while their alert stays in view, so an update to the
 * list does not restart a stream; everything stops when the scene ends.
 */
export class AlertMosaic {
  private readonly tiles = new Map<string, Tile>()
  private readonly grid: HTMLElement
  private readonly count: HTMLElement
  private shown = false

  constructor(
    private readonly el: HTMLElement,
    private readonly capacity: number,
    private readonly viewOf: (cameraId: string) => CameraView | undefined,
  ) {
    const h2 = document.createElement('h2')
    const title = document.createElement('span')
    title.textContent = t('wall.mosaic.title')
    this.count = document.createElement('em')
    h2.append(title, this.count)
    this.grid = document.createElement('div')
    this.grid.className = 'mosaic-grid'
    el.append(h2, this.grid)
  }

  get visible(): boolean {
    return this.shown
  }

  /** Shows (or updates) the newest alerts, newest first. */
  show(alerts: readonly MosaicAlert[], now: number): void {
    this.shown = true
    this.el.hidden = false
    const latest = alerts.slice(0, this.capacity)
    const keep = new Set(latest.map((a) => a.key))
    for (const [key, tile] of this.tiles) {
      if (keep.has(key)) continue
      tile.media.destroy()
      tile.el.remove()
      this.tiles.delete(key)
    }
    const order: HTMLElement[] = []
    for (const a of latest) {
      const tile = this.tiles.get(a.key) ?? this.build(a)
      this.tiles.set(a.key, tile)
      tile.el.dataset.state = a.state
      tile.state.textContent = t(a.state === 'new' ? 'wall.alertState.new' : 'wall.alertState.acknowledged')
      tile.time.textContent = a.startedAt === null ? '' : `${hhmmss(new Date(a.startedAt))} · ${ago(now - a.startedAt)}`
      order.push(tile.el)
    }
    // Only move what is out of place: re-inserting a playing video element would be wasted work.
    order.forEach((el, i) => {
      if (this.grid.children[i] !== el) this.grid.insertBefore(el, this.grid.children[i] ?? null)
    })
    this.count.textContent = tn('wall.mosaic.latest', latest.length)
  }

  /** Ages and states, once a second, without touching the players. */
  refresh(alerts: readonly MosaicAlert[], now: number): void {
    if (this.shown) this.show(alerts, now)
  }

  hide(): void {
    this.shown = false
    this.el.hidden = true
    for (const tile of this.tiles.values()) {
      tile.media.destroy()
      tile.el.remove()
    }
    this.tiles.clear()
  }

  private build(a: MosaicAlert): Tile {
    const el = document.createElement('article')
    el.className = 'mosaic-tile'
    el.dataset.camera = a.cameraId
    const media = cameraMedia(this.viewOf(a.cameraId), a.snapshotUrl, mediaLabels())
    const head = document.createElement('header')
    const type = document.createElement('span')
    type.className = 'alert-type'
    type.textContent = a.typeLabel
    const state = document.createElement('span')
    state.className = 'alert-state'
    head.append(type, state)
    if (a.score !== null) {
      const score = document.createElement('span')
      score.className = 'alert-score'
      score.textContent = `${Math.round(a.score * 100)}%`
      head.append(score)
    }
    const foot = document.createElement('footer')
    const name = document.createElement('strong')
    name.textContent = a.cameraName
    const place = document.createElement('span')
    place.textContent = a.place
    const time = document.createElement('time')
    foot.append(name, place, time)
    el.append(media.el, head, foot)
    return { el, media, time, state }
  }
}

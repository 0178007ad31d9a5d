/**
 * The wall is designed on a fixed logical canvas per head and scaled to whatever window shows it, so the
 * layout is the same on every wall. `u` is logical pixels per design pixel: the 4K head is the 1080p design at
 * twice the resolution (same physical wall, same legibility from 5 m, sharper), the triple head is three 1080p
 * screens side by side: figures and events on the left, the map in the middle, streets, feeds and the takeover
 * card on the right, so nothing is ever cut by a bezel.
 */

export type HeadId = '1080p' | '4k' | 'triple'

export interface Head {
  id: HeadId
  width: number
  height: number
  /** Logical pixels per design pixel. */
  u: number
  layout: 'single' | 'triple'
}

export const HEADS: Record<HeadId, Head> = {
  '1080p': { id: '1080p', width: 1920, height: 1080, u: 1, layout: 'single' },
  '4k': { id: '4k', width: 3840, height: 2160, u: 2, layout: 'single' },
  triple: { id: 'triple', width: 5760, height: 1080, u: 1, layout: 'triple' },
}

export function headFromUrl(search = location.search): Head {
  const id = new URLSearchParams(search).get('head')
  return id && id in HEADS ? HEADS[id as HeadId] : HEADS['1080p']
}

/**
 * The part of the canvas the map may use for its content (the rest is under panels), in map CSS pixels
 * (design pixels). MapLibre centres views and fits bounds inside it.
 */
export interface MapPadding {
  top: number
  right: number
  bottom: number
  left: number
}

export function mapPadding(head: Head): MapPadding {
  if (head.layout === 'triple') return { top: 110, right: 50, bottom: 150, left: 50 }
  return { top: 110, right: 500, bottom: 90, left: 480 }
}

/** Extra right padding while a takeover card lies over the map (on the triple it has a head of its own). */
export function takeoverCardWidth(head: Head): number {
  return head.layout === 'triple' ? 0 : 560
}

/** Where the map sits on the stage, in design pixels: the whole head, or the middle head of the triple. */
export function mapRect(head: Head): { left: number; top: number; width: number; height: number } {
  if (head.layout === 'triple') return { left: 1920, top: 0, width: 1920, height: 1080 }
  return { left: 0, top: 0, width: head.width / head.u, height: head.height / head.u }
}

/**
 * Scales the stage (laid out in design pixels: width/u x height/u) to the window, centred with letterboxing.
 * Returns window CSS pixels per design pixel, which is also the map's pixel ratio before devicePixelRatio.
 */
export function fitStage(stage: HTMLElement, head: Head): number {
  const s = Math.min(window.innerWidth / head.width, window.innerHeight / head.height)
  const x = (window.innerWidth - head.width * s) / 2
  const y = (window.innerHeight - head.height * s) / 2
  stage.style.width = `${head.width / head.u}px`
  stage.style.height = `${head.height / head.u}px`
  stage.style.transform = `translate(${x}px, ${y}px) scale(${s * head.u})`
  return s * head.u
}

import { ICON_HEADING, ICON_NO_HEADING, ICON_STALE } from './unit-store.ts'

/**
 * The unit icons, drawn once on a canvas at startup (no image files, nothing fetched): white shapes used as
 * masks, so deck.gl colours each unit by its status from the colour array. North-up; deck rotates by heading.
 */

const CELL = 64

export interface IconAtlas {
  canvas: HTMLCanvasElement
  mapping: Record<string, { x: number; y: number; width: number; height: number; anchorX: number; anchorY: number; mask: boolean }>
  /** Body icon (coloured by status) by the store's icon index. */
  body: string[]
  /** Glyph drawn over the body (dark): where the unit is heading, by the store's icon index. */
  glyph: string[]
}

/**
 * Three stacked layers draw a unit: a dark halo (the body icon, larger), the body in its status colour, and a
 * dark chevron pointing where it is heading. A unit without a heading gets a small dot; a stale one a ring.
 */
export function drawUnitIcons(): IconAtlas {
  const names = ['disc', 'ring', 'chevron', 'pip', 'blank', 'camera', 'camera-off', 'incident']
  const canvas = document.createElement('canvas')
  canvas.width = CELL * names.length
  canvas.height = CELL
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = '#fff'
  ctx.strokeStyle = '#fff'
  ctx.lineJoin = 'round'
  ctx.lineCap = 'round'
  const at = (name: string, draw: () => void) => {
    ctx.save()
    ctx.translate(names.indexOf(name) * CELL, 0)
    ctx.beginPath()
    draw()
    ctx.restore()
  }
  at('disc', () => {
    ctx.arc(32, 32, 26, 0, Math.PI * 2)
    ctx.fill()
  })
  at('ring', () => {
    ctx.lineWidth = 9
    ctx.arc(32, 32, 21, 0, Math.PI * 2)
    ctx.stroke()
    ctx.beginPath()
    ctx.arc(32, 32, 7, 0, Math.PI * 2)
    ctx.fill()
  })
  at('chevron', () => {
    ctx.moveTo(32, 9)
    ctx.lineTo(49, 46)
    ctx.lineTo(32, 37)
    ctx.lineTo(15, 46)
    ctx.closePath()
    ctx.fill()
  })
  at('pip', () => {
    ctx.arc(32, 32, 8, 0, Math.PI * 2)
    ctx.fill()
  })

  // Cameras: diamonds, so they never read as units; hollow when the camera is offline or in maintenance.
  at('camera', () => {
    ctx.moveTo(32, 8)
    ctx.lineTo(56, 32)
    ctx.lineTo(32, 56)
    ctx.lineTo(8, 32)
    ctx.closePath()
    ctx.fill()
  })
  at('camera-off', () => {
    ctx.lineWidth = 8
    ctx.moveTo(32, 12)
    ctx.lineTo(52, 32)
    ctx.lineTo(32, 52)
    ctx.lineTo(12, 32)
    ctx.closePath()
    ctx.stroke()
  })

  // Incidents: warning triangles, so a case never reads as a unit of the same colour.
  at('incident', () => {
    ctx.lineWidth = 6
    ctx.moveTo(32, 6)
    ctx.lineTo(59, 54)
    ctx.lineTo(5, 54)
    ctx.closePath()
    ctx.fill()
    ctx.stroke()
  })

  const mapping: IconAtlas['mapping'] = {}
  names.forEach((name, i) => {
    mapping[name] = { x: i * CELL, y: 0, width: CELL, height: CELL, anchorX: CELL / 2, anchorY: CELL / 2, mask: true }
  })
  const body: string[] = []
  const glyph: string[] = []
  body[ICON_HEADING] = 'disc'
  glyph[ICON_HEADING] = 'chevron'
  body[ICON_NO_HEADING] = 'disc'
  glyph[ICON_NO_HEADING] = 'pip'
  body[ICON_STALE] = 'ring'
  glyph[ICON_STALE] = 'blank'
  return { canvas, mapping, body, glyph }
}

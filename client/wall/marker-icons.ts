/**
 * The camera and incident markers, drawn once on a canvas at startup (no image files, nothing fetched): white
 * shapes used as masks, so deck.gl colours each marker from its colour accessor. Units are drawn by
 * `unit-sprite-layer.ts`.
 */

const CELL = 64

export interface MarkerAtlas {
  canvas: HTMLCanvasElement
  mapping: Record<string, { x: number; y: number; width: number; height: number; anchorX: number; anchorY: number; mask: boolean }>
}

type Paint = (ctx: CanvasRenderingContext2D) => void

/** Each marker in a 64 × 64 cell, centred on (32, 32). */
const MARKERS: Record<string, Paint> = {
  // Cameras: diamonds, so they never read as units; hollow when the camera is offline or in maintenance.
  camera: (ctx) => {
    ctx.moveTo(32, 8)
    ctx.lineTo(56, 32)
    ctx.lineTo(32, 56)
    ctx.lineTo(8, 32)
    ctx.closePath()
    ctx.fill()
  },
  'camera-off': (ctx) => {
    ctx.lineWidth = 8
    ctx.moveTo(32, 12)
    ctx.lineTo(52, 32)
    ctx.lineTo(32, 52)
    ctx.lineTo(12, 32)
    ctx.closePath()
    ctx.stroke()
  },
  // Incidents: warning triangles, so a case never reads as a unit of the same colour.
  incident: (ctx) => {
    ctx.lineWidth = 6
    ctx.moveTo(32, 6)
    ctx.lineTo(59, 54)
    ctx.lineTo(5, 54)
    ctx.closePath()
    ctx.fill()
    ctx.stroke()
  },
}

export function drawMarkerIcons(): MarkerAtlas {
  const names = Object.keys(MARKERS)
  const canvas = document.createElement('canvas')
  canvas.width = CELL * names.length
  canvas.height = CELL
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = ctx.strokeStyle = '#fff'
  ctx.lineJoin = 'round'
  ctx.lineCap = 'round'
  const mapping: MarkerAtlas['mapping'] = {}
  names.forEach((name, i) => {
    ctx.save()
    ctx.translate(i * CELL, 0)
    ctx.beginPath()
    MARKERS[name](ctx)
    ctx.restore()
    mapping[name] = { x: i * CELL, y: 0, width: CELL, height: CELL, anchorX: CELL / 2, anchorY: CELL / 2, mask: true }
  })
  return { canvas, mapping }
}

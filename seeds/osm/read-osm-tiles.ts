import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { classifyRings, VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { bboxClip } from '@turf/turf'
import { union } from 'polyclip-ts'
import type {
  BBox,
  Feature,
  LineString,
  MultiLineString,
  MultiPoint,
  MultiPolygon,
  Point,
  Polygon,
  Position,
} from 'geojson'

export interface TileId {
  z: number
  x: number
  y: number
}

export type OsmTags = Record<string, string | number | boolean>
export type OsmGeometry = Point | MultiPoint | LineString | MultiLineString | Polygon | MultiPolygon
export type OsmFeature = Feature<OsmGeometry, OsmTags>

export const MONTEVIDEO_TILES: readonly TileId[] = [1407, 1408, 1409, 1410].flatMap((x) =>
  [2471, 2472].map((y) => ({ z: 12, x, y })),
)

export const MONTEVIDEO_TILES_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@mapbox/mvt-fixtures/package.json')),
  'real-world/osm-qa-montevideo',
)

const LAYER = 'osm'
// Contributor identity is personal data and the command centre has no use for it.
// Editing metadata identifies mappers (a changeset leads to its author), and nothing downstream needs it.
const DROPPED_TAGS = new Set(['@user', '@uid', '@changeset', '@version', '@timestamp'])
// One tile unit is ~8e-8 deg at z12 with extent 2^20. Neighbouring tiles compute a shared clip point
// independently; on these fixtures the copies agree exactly, one unit of slack covers other tilers.
const JOIN_TOLERANCE_UNITS = 1

/** Tile bounds in lon/lat, [west, south, east, north]. */
export function tileBbox({ z, x, y }: TileId): BBox {
  const n = 2 ** z
  const [west, north] = worldToLonLat(x / n, y / n)
  const [east, south] = worldToLonLat((x + 1) / n, (y + 1) / n)
  return [west, south, east, north]
}

export async function readOsmTiles(
  tiles: readonly TileId[] = MONTEVIDEO_TILES,
  dir: string = MONTEVIDEO_TILES_DIR,
): Promise<OsmFeature[]> {
  const buffers = await Promise.all(
    tiles.map(async (tile) => ({ tile, data: await readFile(join(dir, `${tile.z}-${tile.x}-${tile.y}.mvt`)) })),
  )
  return decodeOsmTiles(buffers)
}

type Xy = [number, number]

interface Group {
  tags: OsmTags
  type: 1 | 2 | 3
  /** Global tile-unit coordinates of every piece: points, lines or polygons depending on `type`. */
  pieces: Xy[][][]
  /** Tile units per world width (extent * 2^z), to project the pieces. */
  scale: number
}

/**
 * Decodes OSM QA tiles into one GeoJSON feature per OSM object: pieces of an object cut at tile edges are
 * clipped to their own tile and re-joined by `@type`/`@id`. Coordinates are EPSG:4326, 7 decimals.
 * The tiles must share one zoom level.
 */
export function decodeOsmTiles(tiles: readonly { tile: TileId; data: Uint8Array }[]): OsmFeature[] {
  const groups = new Map<string, Group>()
  let anonymous = 0
  for (const { tile, data } of tiles) {
    const layer = new VectorTile(new PbfReader(data)).layers[LAYER]
    if (!layer) continue
    const extent = layer.extent
    const scale = extent * 2 ** tile.z
    const box: BBox = [tile.x * extent, tile.y * extent, (tile.x + 1) * extent, (tile.y + 1) * extent]
    for (let i = 0; i < layer.length; i++) {
      const feature = layer.feature(i)
      if (feature.type === 0) continue
      const rings = feature.loadGeometry()
      const pieces =
        feature.type === 1
          ? clipPoints(rings, box)
          : feature.type === 2
            ? clipLines(rings.map((ring) => toGlobal(ring, box)), box)
            : clipPolygons(classifyRings(rings).map((polygon) => polygon.map((ring) => toGlobal(ring, box))), box)
      if (pieces.length === 0) continue
      const tags = publicTags(feature.properties)
      const key = tags['@id'] === undefined ? `anonymous/${anonymous++}` : `${tags['@type']}/${tags['@id']}`
      const group = groups.get(key)
      if (group) group.pieces.push(...pieces)
      else groups.set(key, { tags, type: feature.type, pieces, scale })
    }
  }
  const features: OsmFeature[] = []
  for (const group of groups.values()) {
    const geometry = assemble(group)
    if (geometry) features.push({ type: 'Feature', properties: group.tags, geometry })
  }
  return features
}

function toGlobal(ring: readonly { x: number; y: number }[], box: BBox): Xy[] {
  return ring.map((p) => [box[0] + p.x, box[1] + p.y])
}

function clipPoints(rings: readonly { x: number; y: number }[][], box: BBox): Xy[][][] {
  const extent = box[2] - box[0]
  const points: Xy[] = []
  for (const ring of rings) {
    for (const { x, y } of ring) {
      if (x >= 0 && y >= 0 && x <= extent && y <= extent) points.push([box[0] + x, box[1] + y])
    }
  }
  return points.length > 0 ? [[points]] : []
}

// Tiles cut with a buffer overlap their neighbours; clipping every piece to its own tile makes the re-join
// independent of the buffer (these fixtures happen to have none, so this is a no-op on them).
function clipLines(lines: Xy[][], box: BBox): Xy[][][] {
  const clipped = bboxClip({ type: 'MultiLineString', coordinates: lines }, box).geometry
  const parts = clipped.type === 'LineString' ? [clipped.coordinates] : (clipped.coordinates as Position[][])
  return parts.filter((line) => line.length >= 2).map((line) => [line as Xy[]])
}

function clipPolygons(polygons: Xy[][][], box: BBox): Xy[][][] {
  const clipped = bboxClip({ type: 'MultiPolygon', coordinates: polygons }, box).geometry
  const parts = clipped.type === 'Polygon' ? [clipped.coordinates] : (clipped.coordinates as Position[][][])
  return parts.filter((polygon) => polygon.length > 0 && polygon[0].length >= 4) as Xy[][][]
}

function assemble({ type, pieces, scale }: Group): OsmGeometry | null {
  const project1 = ([x, y]: Xy): Position => worldToLonLat(x / scale, y / scale)
  const project = (ring: Xy[]): Position[] => dedupeConsecutive(ring.map(project1))
  if (type === 1) {
    // A node on a shared tile edge comes with every tile that touches it.
    const all = pieces.flat(2)
    const unique = all.length === 1 ? all : [...new Map(all.map((p) => [`${p[0]},${p[1]}`, p])).values()]
    const points = unique.map(project1)
    return points.length === 1 ? { type: 'Point', coordinates: points[0] } : { type: 'MultiPoint', coordinates: points }
  }
  if (type === 2) {
    const lines = chainLines(pieces.map(([line]) => line))
      .map(project)
      .filter((line) => line.length >= 2)
    if (lines.length === 0) return null
    return lines.length === 1
      ? { type: 'LineString', coordinates: lines[0] }
      : { type: 'MultiLineString', coordinates: lines }
  }
  const merged = pieces.length === 1 ? [pieces[0]] : (union(pieces[0], ...pieces.slice(1)) as Xy[][][])
  // Tile y grows southwards, so projecting mirrors every ring; reversing restores RFC 7946's right-hand rule.
  const polygons = merged
    .map((polygon) => polygon.map((ring) => project(ring).reverse()).filter((ring) => ring.length >= 4))
    .filter((polygon) => polygon.length > 0)
  if (polygons.length === 0) return null
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] }
    : { type: 'MultiPolygon', coordinates: polygons }
}

/** Joins line pieces end-to-start, keeping their direction (one-way semantics depend on it). */
function chainLines(pieces: Xy[][]): Xy[][] {
  const remaining = pieces.slice()
  const chains: Xy[][] = []
  while (remaining.length > 0) {
    let chain = remaining.pop()!
    for (let i = 0; i < remaining.length; i++) {
      const piece = remaining[i]
      if (near(chain[chain.length - 1], piece[0])) chain = chain.concat(piece.slice(1))
      else if (near(piece[piece.length - 1], chain[0])) chain = piece.concat(chain.slice(1))
      else continue
      remaining.splice(i, 1)
      i = -1
    }
    chains.push(chain)
  }
  return chains
}

function near(a: Xy, b: Xy): boolean {
  return Math.abs(a[0] - b[0]) <= JOIN_TOLERANCE_UNITS && Math.abs(a[1] - b[1]) <= JOIN_TOLERANCE_UNITS
}

/** Web Mercator world coordinates in [0, 1] to lon/lat rounded to 7 decimals. */
function worldToLonLat(wx: number, wy: number): Position {
  const lon = wx * 360 - 180
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * wy))) * 180) / Math.PI
  return [round7(lon), round7(lat)]
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7
}

// Rounding to 7 decimals can merge neighbouring tile units into one position.
function dedupeConsecutive(ring: Position[]): Position[] {
  return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1])
}

// Copying beats `delete`, which would switch 240k objects to slow dictionary mode.
function publicTags(tags: OsmTags): OsmTags {
  const out: OsmTags = {}
  for (const k in tags) if (!DROPPED_TAGS.has(k)) out[k] = tags[k]
  return out
}

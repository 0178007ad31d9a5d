import { bearing } from '@turf/turf'
import type { BBox } from 'geojson'
import KDBush from 'kdbush'
import type { RoadEdge, RoadGraph } from '../../geo/road-graph/build-road-graph.ts'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { createRng, shuffle, weightedSampler, type Rng } from '../../geo/random.ts'
import type { CityLayers, PoiProperties } from '../osm/city-layers.ts'
import { localStreamUrl } from '../../server/video/local-stream-url.ts'

/**
 * The demo city's camera network, placed where the prevention-network literature puts cameras: city
 * entrances, checkpoints on the trunk roads, big junctions (busier downtown), and the gates of schools,
 * hospitals, markets and stations. Deterministic for a city, seed and count.
 */

export const CAMERA_PLACEMENTS = ['main_road', 'key_place', 'entrance', 'checkpoint', 'downtown', 'public_place'] as const
export type CameraPlacement = (typeof CAMERA_PLACEMENTS)[number]

export const CAMERA_OWNERS = ['public_security', 'city', 'unit', 'estate'] as const
export type CameraOwner = (typeof CAMERA_OWNERS)[number]

export const CAMERA_STATUSES = ['online', 'offline', 'maintenance'] as const
export type CameraStatus = (typeof CAMERA_STATUSES)[number]

export interface Camera {
  /** `cam-0001`...; the entrances come first, so `cam-0001` is `gate_north`. */
  id: string
  nameZh: string
  nameEn: string
  lon: number
  lat: number
  /** Compass bearing of the optical axis, 0 = north, clockwise. */
  headingDeg: number
  fovDeg: number
  rangeM: number
  placement: CameraPlacement
  owner: CameraOwner
  /** The camera's name in Frigate (snake_case), e.g. `gate_north`, `junction_012`. */
  frigateName: string
  status: CameraStatus
  /** What a browser plays: the server's local test stream for a few busy cameras, none (snapshots) for the rest. */
  streamUrl: string | null
  streamKind: 'hls' | 'whep' | null
}

export interface CameraOptions {
  /** Default 300. Fewer come back only if the city runs out of candidate places. */
  count?: number
  seed?: number | string
  /** Junctions inside this circle are "busy downtown"; default: Montevideo's Centro and Ciudad Vieja. */
  downtown?: { lon: number; lat: number; radiusM: number }
  /** Online cameras, busiest places first, that get a locally generated live stream; default 2. */
  streams?: number
}

const DEFAULT_COUNT = 300
const DEFAULT_STREAMS = 2
/** Where the simulator's Frigate sees most activity, so the demo's alerts often come with live video. */
const STREAM_PLACEMENTS: readonly CameraPlacement[] = ['downtown', 'public_place', 'key_place', 'checkpoint', 'entrance', 'main_road']
const MONTEVIDEO_DOWNTOWN = { lon: -56.1950, lat: -34.9060, radiusM: 2500 }
/** Metres per degree of longitude and latitude in the city. */
type Scale = { lon: number; lat: number }

/** Shares of the cameras left after the entrances; what a kind cannot use goes to junctions. */
const QUOTAS = { checkpoint: 0.04, school: 0.14, hospital: 0.08, market: 0.14, station: 0.06 } as const

/** Where a road leaves the city bbox it is an entrance if it is one of these. */
const ENTRANCE_CLASSES: ReadonlySet<string> = new Set(['motorway', 'trunk'])
/** A road end this close to the bbox edge was cut by it. */
const BBOX_EDGE_M = 30
/** One entrance per crossing: dual carriageways leave the bbox as two ways a few metres apart. */
const ENTRANCE_MERGE_M = 500
const JUNCTION_SPACING_M = 200
/** Checkpoints guard separate approaches, not the same interchange twice. */
const CHECKPOINT_SPACING_M = 1500
/** A POI camera hangs on the nearest street corner within this distance, looking at the gate. */
const POI_CORNER_M = 150

/** How much a road class makes a junction worth watching; classes below tertiary do not count. */
const CLASS_WEIGHT: Readonly<Record<string, number>> = {
  motorway: 5, trunk: 4, primary: 3, secondary: 2, tertiary: 1,
}
/** Busy downtown is watched more densely than an arterial junction of the same size elsewhere. */
const DOWNTOWN_BONUS = 4

const OWNERS: Readonly<Record<CameraPlacement, readonly [number, number, number, number]>> = {
  // public_security, city, unit, estate
  entrance: [1, 0, 0, 0],
  checkpoint: [1, 0, 0, 0],
  main_road: [0.7, 0.3, 0, 0],
  // Building cameras facing the street are integrated rather than duplicated.
  downtown: [0.6, 0.25, 0, 0.15],
  key_place: [0.35, 0, 0.65, 0],
  public_place: [0.35, 0.25, 0.4, 0],
}

/** [fov min, fov max, range min, range max]: entrances zoom on plates, junction domes see wide. */
const OPTICS: Readonly<Record<CameraPlacement, readonly [number, number, number, number]>> = {
  entrance: [30, 45, 120, 180],
  checkpoint: [30, 45, 80, 120],
  main_road: [60, 100, 100, 150],
  downtown: [70, 110, 80, 130],
  key_place: [60, 90, 50, 80],
  public_place: [70, 110, 60, 100],
}

const STATUS_WEIGHTS = [0.92, 0.05, 0.03] as const

type Side = 'north' | 'east' | 'south' | 'west'
const SIDE_ZH: Readonly<Record<Side, string>> = { north: '北', east: '东', south: '南', west: '西' }
const SIDE_EN: Readonly<Record<Side, string>> = { north: 'North', east: 'East', south: 'South', west: 'West' }

interface Site {
  nameZh: string
  nameEn: string
  lon: number
  lat: number
  headingDeg: number
  placement: CameraPlacement
  frigateName: string
}

/** Local metres around the city, for spacing checks. */
class SpacingGrid {
  private readonly cells = new Map<string, [number, number][]>()
  constructor(private readonly scale: Scale, private readonly spacingM: number) {}

  private xy(lon: number, lat: number): [number, number] {
    return [lon * this.scale.lon, lat * this.scale.lat]
  }

  tooClose(lon: number, lat: number): boolean {
    const [x, y] = this.xy(lon, lat)
    const cx = Math.floor(x / this.spacingM), cy = Math.floor(y / this.spacingM)
    for (let i = -1; i <= 1; i++) {
      for (let j = -1; j <= 1; j++) {
        for (const [px, py] of this.cells.get(`${cx + i},${cy + j}`) ?? []) {
          if (Math.hypot(px - x, py - y) < this.spacingM) return true
        }
      }
    }
    return false
  }

  add(lon: number, lat: number): void {
    const [x, y] = this.xy(lon, lat)
    const key = `${Math.floor(x / this.spacingM)},${Math.floor(y / this.spacingM)}`
    const cell = this.cells.get(key)
    if (cell) cell.push([x, y])
    else this.cells.set(key, [[x, y]])
  }
}

function roundHeading(deg: number): number {
  return Math.round((((deg % 360) + 360) % 360) * 10) / 10
}

/** Bearing from a node along an edge, away from the node. */
function headingAlong(edge: RoadEdge, fromNode: number): number {
  const g = edge.geometry
  const [a, b] = edge.source === fromNode ? [g[0], g[1]] : [g[g.length - 1], g[g.length - 2]]
  return bearing(a, b)
}

function incidentEdges(graph: RoadGraph): number[][] {
  const adjacent: number[][] = graph.nodes.map(() => [])
  for (const e of graph.edges) {
    adjacent[e.source].push(e.id)
    if (e.target !== e.source) adjacent[e.target].push(e.id)
  }
  return adjacent
}

/** Trunk roads cut by the bbox, one site per crossing, named by the side they leave through. */
function entranceSites(graph: RoadGraph, adjacent: number[][], bbox: BBox, scale: Scale): Site[] {
  const [west, south, east, north] = bbox
  const centre = [(west + east) / 2, (south + north) / 2]
  const crossings: { side: Side; node: number; edge: RoadEdge; offCentreM: number }[] = []
  for (const edge of graph.edges) {
    if (!ENTRANCE_CLASSES.has(edge.roadClass)) continue
    for (const node of [edge.source, edge.target]) {
      if (adjacent[node].length !== 1) continue
      const { lon, lat } = graph.nodes[node]
      const gaps: [Side, number][] = [
        ['north', (north - lat) * scale.lat], ['south', (lat - south) * scale.lat],
        ['east', (east - lon) * scale.lon], ['west', (lon - west) * scale.lon],
      ]
      const [side, gapM] = gaps.reduce((a, b) => (b[1] < a[1] ? b : a))
      if (gapM > BBOX_EDGE_M) continue
      const offCentreM = side === 'north' || side === 'south' ? (lon - centre[0]) * scale.lon : (lat - centre[1]) * scale.lat
      crossings.push({ side, node, edge, offCentreM: Math.abs(offCentreM) })
    }
  }
  // The crossing nearest the middle of its side gets the plain name (gate_north), the others a number.
  crossings.sort((a, b) => a.offCentreM - b.offCentreM || a.node - b.node)
  const kept: typeof crossings = []
  const spacing = new SpacingGrid(scale, ENTRANCE_MERGE_M)
  for (const c of crossings) {
    const { lon, lat } = graph.nodes[c.node]
    if (spacing.tooClose(lon, lat)) continue
    spacing.add(lon, lat)
    kept.push(c)
  }
  const perSide = new Map<Side, number>()
  const sites = kept.map(({ side, node, edge }) => {
    const n = (perSide.get(side) ?? 0) + 1
    perSide.set(side, n)
    const { lon, lat } = graph.nodes[node]
    const road = edge.name ?? edge.roadClass
    return {
      nameZh: `${SIDE_ZH[side]}入城口（${road}）`,
      nameEn: `${SIDE_EN[side]} city entrance (${road})`,
      lon, lat,
      // Facing out of the city, at the traffic arriving along the road.
      headingDeg: roundHeading(headingAlong(edge, node) + 180),
      placement: 'entrance' as const,
      frigateName: n === 1 ? `gate_${side}` : `gate_${side}_${n}`,
    }
  })
  // gate_north is the name the Frigate sample uses; put it first so it survives a small count.
  return sites.sort((a, b) => Number(b.frigateName === 'gate_north') - Number(a.frigateName === 'gate_north'))
}

interface Junction {
  node: number
  /** Bigger for more and bigger roads, and for two named roads crossing. */
  score: number
  names: string[]
  trunk: boolean
  /** Incident edges of the highest class, to point the camera along. */
  arms: RoadEdge[]
}

function junctions(graph: RoadGraph, adjacent: number[][]): Junction[] {
  const found: Junction[] = []
  graph.nodes.forEach((_, node) => {
    const edges = adjacent[node].map((id) => graph.edges[id])
    if (edges.length < 3) return
    const weighted = edges.filter((e) => (CLASS_WEIGHT[e.roadClass] ?? 0) > 0)
    if (weighted.length < 2) return
    const names = [...new Set(weighted.map((e) => e.name).filter((n): n is string => n !== null))].sort()
    const top = Math.max(...weighted.map((e) => CLASS_WEIGHT[e.roadClass]))
    // Two named roads crossing is a real junction; a road changing name mid-block is not.
    const score = weighted.reduce((s, e) => s + CLASS_WEIGHT[e.roadClass], 0) + (names.length >= 2 ? 4 : 0)
    found.push({
      node, score, names,
      trunk: weighted.some((e) => e.roadClass === 'trunk' || e.roadClass === 'motorway'),
      arms: weighted.filter((e) => CLASS_WEIGHT[e.roadClass] === top),
    })
  })
  return found
}

function junctionNames(names: readonly string[], fallbackId: number): { zh: string; en: string } {
  if (names.length >= 2) return { zh: `${names[0]}与${names[1]}交叉口`, en: `${names[0]} & ${names[1]}` }
  if (names.length === 1) return { zh: `${names[0]}路口`, en: `${names[0]} junction` }
  return { zh: `路口 ${fallbackId}`, en: `Junction ${fallbackId}` }
}

type PoiCameraKind = 'school' | 'hospital' | 'market' | 'station'

const POI_CAMERA: Readonly<Record<PoiCameraKind, {
  placement: CameraPlacement
  /** Preferred subtypes first; a POI whose subtype is not listed is not a candidate. */
  subtypes: readonly string[]
  match: (p: PoiProperties) => boolean
  zh: (name: string) => string
  en: (name: string) => string
}>> = {
  school: {
    placement: 'key_place', subtypes: ['school', 'university', 'college'],
    match: (p) => p.kind === 'school' || p.kind === 'university',
    zh: (n) => `${n}校门`, en: (n) => `${n} gate`,
  },
  hospital: {
    placement: 'key_place', subtypes: ['hospital', 'clinic'],
    match: (p) => p.kind === 'health',
    zh: (n) => `${n}门前`, en: (n) => `${n} entrance`,
  },
  market: {
    placement: 'public_place', subtypes: ['marketplace', 'mall', 'supermarket'],
    match: (p) => p.kind === 'market',
    zh: (n) => `${n}周边`, en: (n) => `${n} surroundings`,
  },
  station: {
    placement: 'public_place', subtypes: ['bus_station', 'station', 'ferry_terminal', 'halt'],
    match: (p) => p.kind === 'transit_station',
    zh: (n) => `${n}站前`, en: (n) => `${n} forecourt`,
  },
}

const POI_GENERIC_NAME: Readonly<Record<PoiCameraKind, { zh: string; en: string }>> = {
  school: { zh: '学校', en: 'School' },
  hospital: { zh: '医院', en: 'Hospital' },
  market: { zh: '市场', en: 'Market' },
  station: { zh: '车站', en: 'Station' },
}

function poiSites(
  kind: PoiCameraKind, pois: CityLayers['pois'], want: number, rng: Rng,
  graph: RoadGraph, nodeIndex: KDBush, scale: Scale,
): Site[] {
  const spec = POI_CAMERA[kind]
  const rank = (p: PoiProperties): number => spec.subtypes.indexOf(p.subtype)
  const candidates = shuffle(rng, pois.features.filter((f) => spec.match(f.properties) && rank(f.properties) >= 0))
    .sort((a, b) => rank(a.properties) - rank(b.properties))
    .slice(0, want)
  return candidates.map((f, i) => {
    const [poiLon, poiLat] = f.geometry.coordinates
    let best = -1, bestD = Infinity
    for (const id of nodeIndex.within(poiLon * scale.lon, poiLat * scale.lat, POI_CORNER_M)) {
      const d = Math.hypot((graph.nodes[id].lon - poiLon) * scale.lon, (graph.nodes[id].lat - poiLat) * scale.lat)
      if (d < bestD) [best, bestD] = [id, d]
    }
    // No street corner near (a campus in a park): stand 25 m south of it, looking north at it.
    const [lon, lat] = best >= 0 ? [graph.nodes[best].lon, graph.nodes[best].lat] : [poiLon, poiLat - 25 / scale.lat]
    const name = f.properties.name
    return {
      nameZh: name ? spec.zh(name) : `${POI_GENERIC_NAME[kind].zh} ${i + 1}`,
      nameEn: name ? spec.en(name) : `${POI_GENERIC_NAME[kind].en} ${i + 1}`,
      lon, lat,
      headingDeg: roundHeading(bearing([lon, lat], [poiLon, poiLat])),
      placement: spec.placement,
      frigateName: `${kind}_${String(i + 1).padStart(3, '0')}`,
    }
  })
}

export function generateCameras(
  city: Pick<CityLayers, 'pois'>,
  graph: RoadGraph,
  bbox: BBox,
  options: CameraOptions = {},
): Camera[] {
  const count = options.count ?? DEFAULT_COUNT
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`camera count must be a positive integer, got ${count}`)
  const downtown = options.downtown ?? MONTEVIDEO_DOWNTOWN
  const seed = options.seed ?? 1
  const scale = metresPerDegree((bbox[1] + bbox[3]) / 2)
  const adjacent = incidentEdges(graph)

  const nodeIndex = new KDBush(graph.nodes.length)
  for (const n of graph.nodes) nodeIndex.add(n.lon * scale.lon, n.lat * scale.lat)
  nodeIndex.finish()

  const sites = entranceSites(graph, adjacent, bbox, scale).slice(0, count)
  const rest = count - sites.length
  const quota = (share: number): number => Math.round(rest * share)

  const pois: Site[] = []
  for (const kind of ['school', 'hospital', 'market', 'station'] as const) {
    pois.push(...poiSites(kind, city.pois, quota(QUOTAS[kind]), createRng(seed, `cameras:${kind}`), graph, nodeIndex, scale))
  }

  const isDowntown = (lon: number, lat: number): boolean =>
    Math.hypot((lon - downtown.lon) * scale.lon, (lat - downtown.lat) * scale.lat) <= downtown.radiusM
  const rank = (j: Junction): number => j.score + (isDowntown(graph.nodes[j.node].lon, graph.nodes[j.node].lat) ? DOWNTOWN_BONUS : 0)
  const all = junctions(graph, adjacent).sort((a, b) => rank(b) - rank(a) || a.node - b.node)
  const checkpoints: Site[] = []
  const checkpointSpacing = new SpacingGrid(scale, CHECKPOINT_SPACING_M)
  for (const s of sites) checkpointSpacing.add(s.lon, s.lat)
  const armRng = createRng(seed, 'cameras:arms')
  const junctionSite = (j: Junction, placement: CameraPlacement, frigateName: string): Site => {
    const { lon, lat } = graph.nodes[j.node]
    const names = junctionNames(j.names, j.node)
    const arm = j.arms[Math.floor(armRng() * j.arms.length)]
    const checkpoint = placement === 'checkpoint'
    return {
      nameZh: checkpoint ? `${names.zh}卡口` : names.zh,
      nameEn: checkpoint ? `${names.en} checkpoint` : names.en,
      lon, lat, headingDeg: roundHeading(headingAlong(arm, j.node)), placement, frigateName,
    }
  }
  const wantCheckpoints = Math.min(quota(QUOTAS.checkpoint), rest)
  for (const j of all) {
    if (checkpoints.length >= wantCheckpoints) break
    if (!j.trunk || j.names.length < 2) continue
    const { lon, lat } = graph.nodes[j.node]
    if (checkpointSpacing.tooClose(lon, lat)) continue
    checkpointSpacing.add(lon, lat)
    checkpoints.push(junctionSite(j, 'checkpoint', `checkpoint_${String(checkpoints.length + 1).padStart(2, '0')}`))
  }

  // Junctions take whatever the other kinds could not fill.
  const wantJunctions = Math.max(0, rest - checkpoints.length - pois.length)
  const spacing = new SpacingGrid(scale, JUNCTION_SPACING_M)
  for (const s of [...sites, ...checkpoints]) spacing.add(s.lon, s.lat)
  const roads: Site[] = []
  let downtownNo = 0, mainNo = 0
  for (const j of all) {
    if (roads.length >= wantJunctions) break
    const { lon, lat } = graph.nodes[j.node]
    if (spacing.tooClose(lon, lat)) continue
    spacing.add(lon, lat)
    const central = isDowntown(lon, lat)
    const name = central ? `downtown_${String(++downtownNo).padStart(3, '0')}` : `junction_${String(++mainNo).padStart(3, '0')}`
    roads.push(junctionSite(j, central ? 'downtown' : 'main_road', name))
  }

  const rng = createRng(seed, 'cameras:equipment')
  const status = weightedSampler(STATUS_WEIGHTS)
  const owners = Object.fromEntries(CAMERA_PLACEMENTS.map((p) => [p, weightedSampler(OWNERS[p])])) as Record<CameraPlacement, (r: Rng) => number>
  const cameras: Camera[] = [...sites, ...checkpoints, ...roads, ...pois].map((site, i) => {
    const [fovMin, fovMax, rangeMin, rangeMax] = OPTICS[site.placement]
    return {
      id: `cam-${String(i + 1).padStart(4, '0')}`,
      nameZh: site.nameZh,
      nameEn: site.nameEn,
      lon: site.lon,
      lat: site.lat,
      headingDeg: site.headingDeg,
      fovDeg: Math.round(fovMin + rng() * (fovMax - fovMin)),
      rangeM: Math.round(rangeMin + rng() * (rangeMax - rangeMin)),
      placement: site.placement,
      owner: CAMERA_OWNERS[owners[site.placement](rng)],
      frigateName: site.frigateName,
      status: CAMERA_STATUSES[status(rng)],
      streamUrl: null,
      streamKind: null,
    }
  })
  const streamed = cameras
    .filter((c) => c.status === 'online')
    .sort((a, b) => STREAM_PLACEMENTS.indexOf(a.placement) - STREAM_PLACEMENTS.indexOf(b.placement) || a.id.localeCompare(b.id))
    .slice(0, options.streams ?? DEFAULT_STREAMS)
  for (const c of streamed) Object.assign(c, { streamUrl: localStreamUrl(c.id), streamKind: 'hls' })
  return cameras
}

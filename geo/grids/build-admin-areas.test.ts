import { area, intersect, union } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson'
import { describe, expect, it } from 'vitest'
import { createRng } from '../random.ts'
import { adminAreaSchema, type AdminArea } from './admin-area.ts'
import { buildAdminAreas } from './build-admin-areas.ts'
import { buildHierarchy, type HierarchyRules } from './build-hierarchy.ts'
import { at, lattice } from './fixtures/lattice.ts'
import { CODE_LENGTHS, DEMO_DIVISION_CODE } from './grid-codes.ts'
import { locateInBlocks } from './locate-in-blocks.ts'
import { nodeLines } from './node-lines.ts'
import { polygonizeBlocks } from './polygonize-blocks.ts'
import { pointInPolygon } from '../grid-index/point-in-polygon.ts'

/** A 16 x 16 block town with ~10,000 addresses, denser towards the south-west, and grids scaled down to match. */
const N = 16
const RULES: HierarchyRules = {
  grid: { households: { min: 100, target: 150, max: 200 }, areaKm2: { min: 0.03, target: 0.06, max: 0.08 } },
  community: { units: { min: 3, target: 4, max: 6 } },
  street: { units: { min: 2, target: 3, max: 4 } },
}

function town() {
  const { frame, lines } = lattice(N)
  const lineNames = lines.map((_, k) => (k < N - 1 ? `Calle ${k + 1}` : `Avenida ${k - N + 2}`))
  const rng = createRng(11, 'town')
  const addresses: Position[] = []
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < N; i++) {
      const count = Math.round(80 * rng() * (1 - (i + j) / (2 * N)))
      for (let k = 0; k < count; k++) addresses.push(at(i + 0.05 + 0.9 * rng(), j + 0.05 + 0.9 * rng()))
    }
  }
  const places = [
    { coordinates: at(2.5, 2.5), name: 'Sur', rank: 1 },
    { coordinates: at(13.5, 13.5), name: 'Norte', rank: 1 },
    { coordinates: at(8.5, 8.5), name: 'Plaza Central', rank: 5 },
  ]
  const p = polygonizeBlocks(nodeLines(lines, frame))
  const households = new Int32Array(p.blocks.length)
  for (const b of locateInBlocks(p, addresses)) households[b]++
  const hierarchy = buildHierarchy(p, p.blocks.map((b) => b.id), households, RULES)
  const city = { code: DEMO_DIVISION_CODE, name: '示范市', nameEn: 'Demo City', orgName: '示范市指挥中心', orgNameEn: 'Demo City Command Centre' }
  const areas = buildAdminAreas({ partition: p, hierarchy, households, city, lineNames, places, personsPerHousehold: 2.5 })
  return { areas, addresses }
}

const feature = (g: MultiPolygon): Feature<MultiPolygon> => ({ type: 'Feature', properties: {}, geometry: g })

describe('buildAdminAreas on a fixture town', () => {
  const { areas, addresses } = town()
  const byCode = new Map(areas.map((a) => [a.code, a]))
  const children = (a: AdminArea) => areas.filter((c) => c.parentCode === a.code)

  it('produces valid records with unique hierarchical codes, parents first', () => {
    for (const a of areas) adminAreaSchema.parse(a)
    expect(byCode.size).toBe(areas.length)
    expect(areas[0].level).toBe('city')
    areas.forEach((a, k) => {
      expect(a.code).toHaveLength(CODE_LENGTHS[a.level])
      if (a.parentCode) expect(areas.findIndex((x) => x.code === a.parentCode)).toBeLessThan(k)
    })
    const count = (level: AdminArea['level']) => areas.filter((a) => a.level === level).length
    expect(count('street')).toBeGreaterThanOrEqual(2)
    expect(count('community')).toBeGreaterThan(count('street'))
    expect(count('grid')).toBeGreaterThan(count('community'))
  })

  it('makes every parent the exact union of its children', () => {
    for (const parent of areas.filter((a) => a.level !== 'grid')) {
      const kids = children(parent)
      expect(parent.households).toBe(kids.reduce((s, k) => s + k.households, 0))
      expect(parent.population).toBe(Math.round(parent.households * 2.5))
      const parentArea = area(parent.geometry)
      const sumArea = kids.reduce((s, k) => s + area(k.geometry), 0)
      expect(Math.abs(sumArea / parentArea - 1)).toBeLessThan(1e-9)
      const merged = union({ type: 'FeatureCollection', features: kids.map((k) => feature(k.geometry)) })!
      expect(Math.abs(area(merged) / parentArea - 1)).toBeLessThan(1e-6)
      const inside = intersect({ type: 'FeatureCollection', features: [merged as Feature<Polygon | MultiPolygon>, feature(parent.geometry)] })!
      expect(Math.abs(area(inside) / parentArea - 1)).toBeLessThan(1e-6)
    }
  })

  it('counts every address in exactly one grid', () => {
    const grids = areas.filter((a) => a.level === 'grid')
    const hits = addresses.map((pt) => grids.filter((g) => pointInPolygon(pt[0], pt[1], g.geometry)).length)
    expect(hits.every((h) => h === 1)).toBe(true)
    expect(grids.reduce((s, g) => s + g.households, 0)).toBe(addresses.length)
  })

  it('names areas after places and streets inside them, once per level', () => {
    for (const level of ['street', 'community', 'grid'] as const) {
      const names = areas.filter((a) => a.level === level).map((a) => a.name)
      expect(new Set(names).size).toBe(names.length)
    }
    const streets = areas.filter((a) => a.level === 'street').map((a) => a.name)
    expect(streets).toContain('Sur 街道')
    expect(areas.filter((a) => a.level === 'grid').some((g) => /^(Calle|Avenida) \d+ 网格$/.test(g.name))).toBe(true)
    expect(areas.filter((a) => a.level === 'community').every((c) => c.orgName === `${c.name}居委会`)).toBe(true)
  })

  it('is deterministic', () => {
    expect(JSON.stringify(town().areas)).toBe(JSON.stringify(areas))
  })
})

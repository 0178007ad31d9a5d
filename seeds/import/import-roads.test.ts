import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { describeBackends } from '../../server/testing/backends.ts'
import { formatIssue } from '../../geo/import/import-report.ts'
import { buildRoadGraph } from '../../geo/road-graph/build-road-graph.ts'
import { importFiles, type ImportFile } from './import-files.ts'

const junctionsText = readFileSync(new URL('../../geo/road-graph/fixtures/junctions.geojson', import.meta.url), 'utf8')
const roads = (text: string): ImportFile => ({ path: 'junctions.geojson', kind: 'roads', text })
const expected = buildRoadGraph(JSON.parse(junctionsText).features)

describeBackends('roads import', ({ db }) => {
  const count = async (table: string) => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n

  it('replaces the road graph with the drivable ways of the file', async () => {
    for (let run = 0; run < 2; run++) {
      const r = await importFiles(db(), [roads(junctionsText)])
      expect(r.outcome).toBe('written')
      expect(r.reports[0].counts).toMatchObject({ 'skipped highway=footway': 1, nodes: expected.nodes.length, edges: expected.edges.length })
    }
    expect(await count('road_edge')).toBe(expected.edges.length)
    expect(await count('road_node')).toBe(expected.nodes.length)
  })

  it('rejects a way with bad geometry by index and reason, and keeps the old graph', async () => {
    const doc = JSON.parse(junctionsText)
    doc.features[1].geometry.coordinates = [[0.001, -0.001]]
    const r = await importFiles(db(), [roads(JSON.stringify(doc))])
    expect(r.outcome).toBe('rejected')
    expect(r.reports[0].issues.map(formatIssue)).toEqual(['feature 1, field geometry: error: a line needs at least 2 positions'])
    expect(await count('road_edge')).toBe(expected.edges.length)
  })

  it('refuses a file with nothing to drive on', async () => {
    const doc = JSON.parse(junctionsText)
    doc.features = doc.features.filter((f: { properties: { highway: string } }) => f.properties.highway === 'footway')
    const r = await importFiles(db(), [roads(JSON.stringify(doc))])
    expect(r.reports[0].issues.map(formatIssue)).toEqual(['error: no drivable roads: dispatch would have nothing to route on'])
  })
})

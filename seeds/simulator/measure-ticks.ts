/**
 * How fast the movement model runs for a big force: 20,000 units on the real Montevideo road graph, scheduled
 * exactly as the simulator schedules them, each due fix computed and formatted for its protocol (no network).
 * Not a test: `tsx seeds/simulator/measure-ticks.ts [units] [simulated minutes]`.
 */
import { buildRoadGraph } from '../../geo/road-graph/build-road-graph.ts'
import { MinHeap } from '../../geo/routing/min-heap.ts'
import { stationsAndUnits } from '../demo/stations-and-units.ts'
import { loadMontevideo } from '../osm/city-layers.ts'
import { DEMO_UTC_OFFSET_MINUTES, shiftHours } from './duty.ts'
import { osmandPath, ownTracksLocation } from './protocols.ts'
import { RoadNetwork } from './road-network.ts'
import { UnitModel } from './unit-model.ts'

const count = Number(process.argv[2] ?? 20_000)
const minutes = Number(process.argv[3] ?? 10)

const city = await loadMontevideo()
const graph = buildRoadGraph(city.roads.features)
let t = performance.now()
const net = new RoadNetwork(
  graph.nodes,
  graph.edges.map((e) => ({
    id: e.id, source: e.source, target: e.target, cost: e.costS, reverseCost: e.reverseCostS, lengthM: e.lengthM,
    roadClass: e.roadClass, speedKmh: e.speedKmh, name: e.name, coords: e.geometry,
  })),
)
const { units } = stationsAndUnits(city, { count, seed: 'gridwatch-demo' })
const buildMs = performance.now() - t

// The worst case: the whole force on duty at once (shifts off), at 10:30 local on a weekday.
const allOnDuty = process.argv[4] !== 'shifts'
const startMs = Date.parse('2026-06-02T13:30:00Z')
t = performance.now()
const models = units.map(
  (u) =>
    new UnitModel(
      net,
      { unitId: u.id, deviceId: u.deviceId, type: u.type, shift: allOnDuty ? null : shiftHours(u.shift), start: { lon: u.home[0], lat: u.home[1] }, base: { lon: u.home[0], lat: u.home[1] } },
      { seed: 'measure', startMs, utcOffsetMinutes: DEMO_UTC_OFFSET_MINUTES },
    ),
)
const createMs = performance.now() - t

const heap = new MinHeap(models.length)
models.forEach((m, i) => heap.push(i, startMs + (i % m.intervalS) * 1000))
const endMs = startMs + minutes * 60_000
let fixes = 0
let bytes = 0
let due = 0
t = performance.now()
const cpu0 = process.cpuUsage()
while (heap.peekKey() <= endMs) {
  const at = heap.peekKey()
  const i = heap.pop()
  const m = models[i]
  due++
  const fix = m.report(at)
  if (fix) {
    fixes++
    bytes += m.profile.protocol === 'osmand' ? osmandPath(fix).length : JSON.stringify(ownTracksLocation(fix)).length
  }
  heap.push(i, m.nextReportAfter(at))
}
const runMs = performance.now() - t
const cpu = process.cpuUsage(cpu0)
const cpuMs = (cpu.user + cpu.system) / 1000
const onDuty = models.filter((m) => m.state !== 'off').length
const moving = models.filter((m) => m.state === 'moving' || m.state === 'waiting').length
const perSecond = (due / runMs) * 1000
const perCpuSecond = (due / cpuMs) * 1000
const needed = models.reduce((s, m) => s + (m.state === 'off' ? 0 : 1 / m.intervalS), 0)

process.stdout.write(
  [
    `road graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges; simulator network built in ${buildMs.toFixed(0)} ms`,
    `${models.length} units created in ${createMs.toFixed(0)} ms; ${onDuty} on duty${allOnDuty ? ' (shifts ignored: worst case)' : ' at 10:30 local'}`,
    `${minutes} simulated minutes: ${due} due reports, ${fixes} fixes (${(bytes / fixes).toFixed(0)} B each) in ${runMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU`,
    `=> ${Math.round(perSecond).toLocaleString('en')} unit ticks/s wall (${Math.round(perCpuSecond).toLocaleString('en')}/s per CPU second) on one thread; ` +
      `real time needs ${Math.round(needed).toLocaleString('en')}/s (${(perSecond / Math.max(1, needed)).toFixed(0)}x headroom)`,
    `at the end: ${moving} of ${onDuty} on duty under way (driving or walking, lights included), the rest at stops`,
    `heap used: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
    '',
  ].join('\n'),
)

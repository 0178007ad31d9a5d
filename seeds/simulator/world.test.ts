import { beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../../server/testing/backends.ts'
import { RoadNetwork } from './road-network.ts'
import { latticeNetwork } from './test-network.ts'
import { loadWorld } from './world.ts'

describeBackends('loadWorld', ({ db }) => {
  const { nodes, edges } = latticeNetwork(4)

  beforeAll(async () => {
    const q = db()
    for (const n of nodes) await q.query('INSERT INTO road_node (id, geom) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326))', [n.id, n.lon, n.lat])
    for (const e of edges) {
      await q.query(
        `INSERT INTO road_edge (id, source, target, cost, reverse_cost, length_m, road_class, speed_kmh, name, geom)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ST_GeomFromText($10, 4326))`,
        [e.id, e.source, e.target, e.cost, e.reverseCost, e.lengthM, e.roadClass, e.speedKmh, e.name,
          `LINESTRING(${e.coords.map(([x, y]) => `${x} ${y}`).join(',')})`],
      )
    }
    await q.exec(`
      INSERT INTO station (id, name, geom) VALUES ('station-01', 'Seccional 1', ST_SetSRID(ST_MakePoint(-56.189, -34.899), 4326));
      INSERT INTO unit (id, callsign, type, station_id, shift, home) VALUES
        ('unit-0001', '巡逻 01-01', 'patrol_police', 'station-01', 'day', ST_SetSRID(ST_MakePoint(-56.1891, -34.8991), 4326)),
        ('unit-0002', '网格 001', 'grid_worker', NULL, 'day', ST_SetSRID(ST_MakePoint(-56.188, -34.898), 4326)),
        ('unit-0003', '巡逻 01-02', 'patrol_police', 'station-01', 'night', ST_SetSRID(ST_MakePoint(-56.1892, -34.8992), 4326));
      INSERT INTO device (id, unit_id) VALUES ('unit-0001', 'unit-0001'), ('phone-7', 'unit-0002');
      INSERT INTO device (id, unit_id, active) VALUES ('old-phone', 'unit-0003', false);
      INSERT INTO unit_position_latest (unit_id, device_time, server_time, geom, source)
        VALUES ('unit-0001', now(), now(), ST_SetSRID(ST_MakePoint(-56.187, -34.897), 4326), 'osmand');
      INSERT INTO camera (id, name, geom, heading_deg, fov_deg, range_m, placement, owner, frigate_name, status) VALUES
        ('cam-0001', '北入口', ST_SetSRID(ST_MakePoint(-56.19, -34.9), 4326), 0, 40, 150, 'entrance', 'public_security', 'gate_north', 'online'),
        ('cam-0002', '路口', ST_SetSRID(ST_MakePoint(-56.19, -34.9), 4326), 0, 90, 100, 'downtown', 'city', 'junction_001', 'offline'),
        ('cam-0003', '学校', ST_SetSRID(ST_MakePoint(-56.19, -34.9), 4326), 0, 90, 60, 'key_place', 'unit', NULL, 'online');
      INSERT INTO category (code, kind, major_code, name, name_en, priority, limits_minutes) VALUES
        ('EV-0201', 'event', 'EV-02', '暴露垃圾', 'Exposed garbage', 3, '{}'),
        ('PT-0107', 'part', 'PT-01', '路灯', 'Street lamp', 3, '{}');
      INSERT INTO incident (source, category_code, priority, state, geom, reported_at)
        SELECT CASE WHEN i % 2 = 0 THEN 'citizen' ELSE 'grid_worker' END, CASE WHEN i % 3 = 0 THEN 'PT-0107' ELSE 'EV-0201' END,
               3, 'closed', ST_SetSRID(ST_MakePoint(-56.19 + i * 1e-5, -34.9), 4326), timestamptz '2026-05-01' + i * interval '1 hour'
        FROM generate_series(0, 240) AS i;
    `)
  })

  it('reads the road graph, the units with a tracker, cameras, categories and the history’s rhythm', async () => {
    const world = await loadWorld(db(), 200)
    expect(world.nodes).toHaveLength(16)
    expect(world.edges).toHaveLength(edges.length)
    const e = world.edges.find((x) => x.id === edges[5].id)!
    expect(e.coords).toHaveLength(3)
    expect(e.coords[1][0]).toBeCloseTo(edges[5].coords[1][0], 9)
    expect(e.reverseCost).toBe(edges[5].reverseCost)
    // A usable network.
    expect(new RoadNetwork(world.nodes, world.edges).reachableNodes('drive').length).toBe(16)

    expect(world.units.map((u) => [u.unitId, u.deviceId])).toEqual([['unit-0001', 'unit-0001'], ['unit-0002', 'phone-7']])
    expect(world.unitsWithDevice).toBe(2)
    const [u1, u2] = world.units
    // Last seen position first, the station to go back to.
    expect([u1.startLon, u1.startLat]).toEqual([-56.187, -34.897])
    expect([u1.baseLon, u1.baseLat]).toEqual([-56.189, -34.899])
    expect(u1.shift).toBe('day')
    // Grid staff start and end at home.
    expect([u2.startLon, u2.startLat, u2.baseLon, u2.baseLat]).toEqual([-56.188, -34.898, -56.188, -34.898])

    expect(world.cameras).toEqual([{ id: 'cam-0001', frigateName: 'gate_north', placement: 'entrance' }])
    expect(world.categories).toEqual(['EV-0201', 'PT-0107'])
    expect(world.places.byCategory.get('PT-0107')!.length).toBe(2 * 81)
    expect(world.places.all.length).toBe(2 * 241)
    // 121 citizen reports over 10 days.
    expect(world.historyCitizenReportsPerDay).toBeCloseTo(12.1, 6)
  })

  it('takes the first units by id up to the limit', async () => {
    expect((await loadWorld(db(), 1)).units.map((u) => u.unitId)).toEqual(['unit-0001'])
  })
})

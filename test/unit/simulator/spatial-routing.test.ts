import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNetwork, type RoadClass } from '../../../road/network.js';
import { Router } from '../../../road/routing.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { generateCity } from '../../../road/city.js';
import { at } from './net-fixtures.js';

/**
 *   A ---1 km, 30 km/h--- B          direct A->B: 120 s
 *    \                   /
 *     C ---- 1.2 km ---- D            A->C->D->B at 100 km/h: about 70 s
 */
function tiny() {
  const pts: Record<string, [number, number]> = { A: at(0, 0), B: at(1000, 0), C: at(0, -300), D: at(1000, -300) };
  const nodes = Object.entries(pts).map(([id, p]) => ({ id, lon: p[0], lat: p[1] }));
  const seg = (from: string, to: string, kmh: number, roadClass: RoadClass = 'highway') => ({
    id: `${from}${to}`,
    from,
    to,
    geometry: [pts[from] as [number, number], pts[to] as [number, number]],
    lanes: 1,
    freeFlowMps: kmh / 3.6,
    roadClass,
    name: '',
  });
  return createNetwork({
    nodes,
    segments: [
      seg('A', 'B', 30, 'residential'),
      seg('B', 'A', 30, 'residential'),
      seg('A', 'C', 100),
      seg('C', 'D', 100),
      seg('D', 'B', 100),
      seg('B', 'D', 100),
      seg('D', 'C', 100),
      seg('C', 'A', 100),
    ],
  });
}

test('the router finds the fastest path, not the shortest, and honours closed segments', () => {
  const net = tiny();
  const router = new Router(net);
  const id = (s: number): string => net.segments[s]?.id ?? '?';
  const n = (name: string): number => net.nodeIndexById.get(name) ?? -1;
  assert.deepEqual([...(router.route(n('A'), n('B')) ?? [])].map(id), ['AC', 'CD', 'DB']);
  assert.deepEqual([...(router.route(n('B'), n('A')) ?? [])].map(id), ['BD', 'DC', 'CA']);
  assert.deepEqual([...(router.route(n('A'), n('A')) ?? [])], []);
  const costs = router.freeFlowCosts.slice();
  costs[net.segmentIndexById.get('CD') ?? -1] = Infinity;
  assert.deepEqual([...(router.route(n('A'), n('B'), { costs }) ?? [])].map(id), ['AB']);
  costs[net.segmentIndexById.get('AB') ?? -1] = Infinity;
  assert.equal(router.route(n('A'), n('B'), { costs }), undefined, 'no way left');
  const path = router.route(n('A'), n('B')) ?? new Int32Array(0);
  assert.ok(Math.abs(router.pathCost(path) - (300 + 1000 + 300) / (100 / 3.6)) < 1);
});

test('on the city, A* matches Dijkstra (heuristic off) on random pairs', () => {
  const net = generateCity({ seed: 4, sizeM: 2000 });
  const router = new Router(net);
  for (let i = 0; i < 30; i++) {
    const from = (i * 7919) % net.nodes.length;
    const to = (i * 104729 + 13) % net.nodes.length;
    const path = router.route(from, to);
    assert.ok(path, `route ${from} -> ${to}`);
    if (path.length > 0) {
      assert.equal(net.segFrom[path[0] as number], from);
      assert.equal(net.segTo[path[path.length - 1] as number], to);
      for (let k = 1; k < path.length; k++) assert.equal(net.segTo[path[k - 1] as number], net.segFrom[path[k] as number]);
    }
    const a = router.pathCost(path);
    const d = dijkstra(net, from, to);
    assert.ok(Math.abs(a - d) < 1e-6, `A* ${a} vs Dijkstra ${d}`);
  }
});

function dijkstra(net: ReturnType<typeof generateCity>, from: number, to: number): number {
  const dist = new Float64Array(net.nodes.length).fill(Infinity);
  const done = new Uint8Array(net.nodes.length);
  dist[from] = 0;
  for (;;) {
    let v = -1;
    for (let i = 0; i < dist.length; i++) if (!done[i] && (v === -1 || (dist[i] as number) < (dist[v] as number))) v = i;
    if (v === -1 || dist[v] === Infinity) return Infinity;
    if (v === to) return dist[v] as number;
    done[v] = 1;
    for (let e = net.outStart[v] as number; e < (net.outStart[v + 1] as number); e++) {
      const s = net.outSegments[e] as number;
      const w = net.segTo[s] as number;
      const nd = (dist[v] as number) + (net.segLength[s] as number) / (net.segFreeFlow[s] as number);
      if (nd < (dist[w] as number)) dist[w] = nd;
    }
  }
}

test('the spatial index finds the nearest segment, in the direction of travel', () => {
  const net = tiny();
  const index = new SegmentIndex(net, 50);
  const [lon, lat] = at(500, 20);
  const any = index.nearest(lon, lat);
  assert.ok(any);
  assert.ok(any.segmentId === 'AB' || any.segmentId === 'BA');
  assert.ok(Math.abs(any.distanceM - 20) < 0.5);
  assert.ok(Math.abs(any.offsetM - (any.segmentId === 'AB' ? 500 : 500)) < 1);
  assert.equal(index.nearest(lon, lat, { headingDeg: 90 })?.segmentId, 'AB');
  assert.equal(index.nearest(lon, lat, { headingDeg: 270 })?.segmentId, 'BA');
  const [lon2, lat2] = at(500, -290);
  assert.equal(index.nearest(lon2, lat2, { headingDeg: 85 })?.segmentId, 'CD');
  const [far, farLat] = at(500, 2000);
  assert.equal(index.nearest(far, farLat, { maxDistanceM: 100 }), undefined);

  // agrees with a brute-force search on the city
  const city = generateCity({ seed: 4, sizeM: 2000 });
  const ci = new SegmentIndex(city);
  for (let i = 0; i < 50; i++) {
    const s = city.segments[(i * 37) % city.segments.length];
    assert.ok(s);
    const p = s.geometry[0] as readonly [number, number];
    const q = ci.nearest(p[0] + 0.0003, p[1] + 0.0002, { maxDistanceM: 500 });
    assert.ok(q);
    assert.ok(q.distanceM < 60);
  }
});

/** The spatial index and the compiled shapes, checked against turf and against brute force. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { booleanPointInPolygon, polygon as turfPolygon, point as turfPoint } from '@turf/turf';
import {
  circleShape,
  corridorShape,
  polygonsShape,
  FenceSet,
  GridIndex,
  containsLocal,
  depthLocal,
  passageLocal,
  assertFence,
  createGeofenceState,
  evaluate,
  fencesOf,
  type Fence,
} from '../../../backend/services/geofencing/index.js';
import { Rng } from '../../../core/random.js';

function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}

/** A star-shaped (often concave) polygon around (lon, lat), radius up to rM metres. */
function star(r: () => number, id: string, lon: number, lat: number, rM: number): Fence {
  const n = 6 + Math.floor(r() * 15);
  // one vertex per sector of 2pi/n: consecutive angles less than pi apart, so the ring is simple
  const angles = Array.from({ length: n }, (_, i) => ((i + 0.9 * r()) * 2 * Math.PI) / n);
  const ring = angles.map((a) => {
    const d = rM * (0.4 + 0.6 * r());
    return [lon + (d * Math.cos(a)) / (111_195 * Math.cos((lat * Math.PI) / 180)), lat + (d * Math.sin(a)) / 111_195] as [number, number];
  });
  ring.push(ring[0] as [number, number]);
  return assertFence({ id, name: id, geometry: { type: 'Polygon', coordinates: [ring] } });
}

test('index + point-in-polygon agree with turf booleanPointInPolygon on 20,000 random points x 1,000 fences', () => {
  const r = rng(7);
  const fences: Fence[] = [];
  for (let i = 0; i < 1000; i++) fences.push(star(r, `f${i}`, 11.5 + r() * 0.15, 48.08 + r() * 0.1, 25 + r() * 250));
  const set = new FenceSet();
  for (const f of fences) set.upsert(f);
  const turfPolys = fences.map((f) => (f.geometry.type === 'Polygon' ? turfPolygon(f.geometry.coordinates) : undefined));
  let insideCount = 0;
  for (let k = 0; k < 20_000; k++) {
    const lon = 11.5 + r() * 0.15;
    const lat = 48.08 + r() * 0.1;
    const n = set.index.query(lon, lat, lon, lat);
    const ours = new Set<string>();
    for (let i = 0; i < n; i++) {
      const f = set.at(set.index.hits[i] as number);
      assert.ok(f);
      if (containsLocal(f, (lon - f.lon0) * f.kx, (lat - f.lat0) * f.ky)) ours.add(f.id);
    }
    const pt = turfPoint([lon, lat]);
    const theirs = new Set(
      fences.filter((_, i) => booleanPointInPolygon(pt, turfPolys[i] as ReturnType<typeof turfPolygon>)).map((f) => f.id),
    );
    assert.deepEqual([...ours].sort(), [...theirs].sort(), `point ${lon},${lat}`);
    insideCount += ours.size;
  }
  assert.ok(insideCount > 500, `enough points fell inside fences (${insideCount})`);
});

test('grid index: insert, move, remove, big items, and huge queries match brute force', () => {
  const idx = new GridIndex({ cellDeg: 0.01, maxCellsPerItem: 16, maxCellsPerQuery: 64 });
  const r = rng(3);
  const boxes = new Map<number, [number, number, number, number]>();
  for (let s = 0; s < 3000; s++) {
    const w = s % 50 === 0 ? 0.2 : r() * 0.02; // some items too big for cells
    const x = r();
    const y = r();
    boxes.set(s, [x, y, x + w, y + w]);
    idx.insert(s, x, y, x + w, y + w);
  }
  for (let s = 0; s < 3000; s += 3) {
    boxes.delete(s);
    idx.remove(s);
  }
  for (let s = 1; s < 3000; s += 7) {
    const x = r();
    const y = r();
    boxes.set(s, [x, y, x + 0.005, y + 0.005]);
    idx.insert(s, x, y, x + 0.005, y + 0.005); // moves it
  }
  for (let q = 0; q < 2000; q++) {
    const x = r();
    const y = r();
    const w = q % 10 === 0 ? 0.2 : r() * 0.01;
    idx.query(x, y, x + w, y + w);
    const got = [...idx.hits].sort((a, b) => a - b);
    const want = [...boxes].filter(([, b]) => b[0] <= x + w && b[2] >= x && b[1] <= y + w && b[3] >= y).map(([s]) => s);
    assert.deepEqual(
      got,
      want.sort((a, b) => a - b),
    );
  }
});

test('grid index: negative cell numbers (west and south), point and box queries, against brute force', () => {
  const idx = new GridIndex({ cellDeg: 0.0025 });
  const r = rng(11);
  const boxes = new Map<number, [number, number, number, number]>();
  for (let s = 0; s < 4000; s++) {
    // around (0, 0) (negative cell numbers) and far west/south (large negative cell numbers)
    const [cx, cy] = s % 2 === 0 ? [0, 0] : [-122.4, -33.9];
    const x = cx - 0.05 + r() * 0.1;
    const y = cy - 0.05 + r() * 0.1;
    const w = r() * 0.006;
    boxes.set(s, [x, y, x + w, y + w]);
    idx.insert(s, x, y, x + w, y + w);
  }
  for (let s = 0; s < 4000; s += 5) {
    boxes.delete(s);
    idx.remove(s);
  }
  assert.ok(idx.cellCount > 0);
  for (let q = 0; q < 3000; q++) {
    const [cx, cy] = q % 2 === 0 ? [0, 0] : [-122.4, -33.9];
    const x = cx - 0.05 + r() * 0.1;
    const y = cy - 0.05 + r() * 0.1;
    const w = q % 3 === 0 ? 0 : r() * 0.004; // a third are point queries (one cell)
    const n = idx.query(x, y, x + w, y + w);
    const got = [...idx.slots.subarray(0, n)].sort((a, b) => a - b);
    assert.deepEqual(
      [...idx.hits].sort((a, b) => a - b),
      got,
    );
    const want = [...boxes].filter(([, b]) => b[0] <= x + w && b[2] >= x && b[1] <= y + w && b[3] >= y).map(([s]) => s);
    assert.deepEqual(
      got,
      want.sort((a, b) => a - b),
    );
  }
});

test('shapes: signed depth and passages in local metres', () => {
  const circle = circleShape(100);
  assert.equal(depthLocal(circle, 30, 40), 50);
  assert.equal(depthLocal(circle, 0, 150), -50);
  const p = passageLocal(circle, -200, 20, 200, 20);
  assert.ok(p);
  assert.equal(p.t, 0.5);
  assert.equal(p.depth, 80);
  assert.equal(passageLocal(circle, -200, 120, 200, 120), undefined);

  const corridor = corridorShape(Float64Array.from([0, 0, 100, 0, 100, 100]), 10);
  assert.ok(containsLocal(corridor, 105, 50));
  assert.ok(!containsLocal(corridor, 115, 50));
  assert.ok(Math.abs(depthLocal(corridor, 50, 4) - 6) < 1e-9);
  const c = passageLocal(corridor, 50, -100, 50, 100);
  assert.ok(c && Math.abs(c.t - 0.5) < 1e-9 && c.depth === 10);

  // a square with a square hole: a segment through the hole passes twice; the deeper stretch wins
  const sq = (a: number, b: number): Float64Array => Float64Array.from([a, a, b, a, b, b, a, b, a, a]);
  const holed = polygonsShape([[sq(0, 300), sq(100, 200)]]);
  assert.ok(containsLocal(holed, 50, 150));
  assert.ok(!containsLocal(holed, 150, 150));
  assert.equal(depthLocal(holed, 150, 150), -50);
  assert.equal(depthLocal(holed, 50, 150), 50);
  const h = passageLocal(holed, -100, 150, 400, 150);
  assert.ok(h && h.depth === 50, JSON.stringify(h));
});

test('property: with hysteresis 0 and confirmFixes 1, the evaluator is inside exactly the fences turf says, fix by fix', () => {
  const r = rng(11);
  const fences: Fence[] = [];
  for (let i = 0; i < 300; i++) fences.push(star(r, `f${i}`, 11.55 + r() * 0.05, 48.13 + r() * 0.03, 25 + r() * 250));
  const polys = fences.map((f) => (f.geometry.type === 'Polygon' ? turfPolygon(f.geometry.coordinates) : undefined));
  const state = createGeofenceState({ hysteresisM: 0, confirmFixes: 1 }, fences);
  for (let car = 0; car < 20; car++) {
    let lon = 11.55 + r() * 0.05;
    let lat = 48.13 + r() * 0.03;
    for (let t = 0; t < 200; t++) {
      lon += (r() - 0.5) * 0.0006;
      lat += (r() - 0.5) * 0.0004;
      evaluate(state, { kind: 'fix', vin: `CAR${car}`, ts: t * 1000, lat, lon });
      const pt = turfPoint([lon, lat]);
      const want = fences.filter((_, i) => booleanPointInPolygon(pt, polys[i] as ReturnType<typeof turfPolygon>)).map((f) => f.id);
      assert.deepEqual(fencesOf(state, `CAR${car}`), want.sort(), `car ${car} at t=${t}`);
    }
  }
});

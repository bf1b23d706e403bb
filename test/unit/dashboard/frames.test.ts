/** Viewport filtering and grid clustering of the positions frames (backend/dashboard/hub), pure. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CarTuple, Viewport } from '../../../backend/dashboard/hub/events.js';
import { cellDegrees, clusterCars, mercatorY } from '../../../backend/dashboard/hub/cluster.js';
import { FrameSource, toCarTuple } from '../../../backend/dashboard/hub/frames.js';
import { PositionGrid } from '../../../backend/dashboard/hub/position-grid.js';
import { boxesOf, checkViewport } from '../../../backend/dashboard/hub/viewport.js';
import { Rng } from '../../../core/random.js';

const car = (i: number, lon: number, lat: number): CarTuple => [`V${i}`, lon, lat, 0, 0, 0];
/** n cars spread over a 0.2 x 0.1 degree box around Munich, seeded. */
function fleet(n: number, seed = 1): CarTuple[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => car(i, 11.5 + rng.float() * 0.2, 48.1 + rng.float() * 0.1));
}
const view = (west: number, south: number, east: number, north: number, zoom: number): Viewport => ({ west, south, east, north, zoom });
const brute = (cars: readonly CarTuple[], v: Viewport) =>
  cars.filter((c) => boxesOf(v).some((b) => c[1] >= b.west && c[1] <= b.east && c[2] >= b.south && c[2] <= b.north));

test('the grid returns exactly the cars inside a viewport, for small, large and edge-aligned boxes', () => {
  const cars = fleet(5000);
  const grid = new PositionGrid(cars);
  for (const v of [
    view(11.55, 48.12, 11.6, 48.15, 15),
    view(11.5, 48.1, 11.51, 48.11, 17),
    view(-180, -90, 180, 90, 20), // a huge box: iterates occupied cells, not the world's
    view(11.65, 48.0, 11.9, 48.3, 14),
    view(12, 49, 13, 50, 15), // nothing there
  ]) {
    const got = grid
      .query(v)
      .map((c) => c[0])
      .sort();
    assert.deepEqual(
      got,
      brute(cars, v)
        .map((c) => c[0])
        .sort(),
      JSON.stringify(v),
    );
  }
});

test('a viewport across the antimeridian is two boxes', () => {
  const cars = [car(1, 179.5, 0), car(2, -179.5, 0), car(3, 0, 0)];
  const grid = new PositionGrid(cars);
  const r = checkViewport({ west: 179, south: -1, east: -179, north: 1, zoom: 15 });
  assert.ok(r.ok);
  assert.deepEqual(
    grid
      .query(r.viewport)
      .map((c) => c[0])
      .sort(),
    ['V1', 'V2'],
  );
});

test('viewports are checked: finite numbers, south <= north, zoom 0..24; longitudes wrapped', () => {
  assert.deepEqual(checkViewport(null), { ok: false, problem: 'viewport must be an object {west, south, east, north, zoom}' });
  assert.deepEqual(checkViewport({ west: 'a', south: 0, east: 1, north: 1, zoom: 3 }), {
    ok: false,
    problem: 'viewport.west must be a finite number',
  });
  assert.deepEqual(checkViewport({ west: 0, south: 0, east: 1, north: 1 }), {
    ok: false,
    problem: 'viewport.zoom must be a finite number',
  });
  assert.deepEqual(checkViewport({ west: 0, south: 2, east: 1, north: 1, zoom: 3 }), {
    ok: false,
    problem: 'viewport.south must be <= viewport.north',
  });
  assert.deepEqual(checkViewport({ west: 0, south: 0, east: 1, north: 1, zoom: 30 }), {
    ok: false,
    problem: 'viewport.zoom must be within 0..24',
  });
  const r = checkViewport({ west: 190, south: -100, east: 200, north: 100, zoom: 3 });
  assert.ok(r.ok);
  assert.deepEqual(r.viewport, { west: -170, south: -90, east: -160, north: 90, zoom: 3 });
  const world = checkViewport({ west: -500, south: -90, east: 500, north: 90, zoom: 0 });
  assert.ok(world.ok);
  assert.deepEqual([world.viewport.west, world.viewport.east], [-180, 180]);
});

test('clustering keeps every car once, at the mean position of its cell, on a grid anchored at 0,0', () => {
  const cars = fleet(3000);
  const cell = cellDegrees(12, 64);
  assert.equal(cell, (64 * 360) / (256 * 4096));
  const clusters = clusterCars(cars, cell);
  assert.equal(
    clusters.reduce((s, c) => s + c[2], 0),
    cars.length,
  );
  assert.ok(clusters.length > 1 && clusters.length < 200, `${clusters.length} clusters`);
  // each cluster's position is inside its cell
  for (const [lon, lat] of clusters) {
    assert.ok(Number.isFinite(lon) && Number.isFinite(lat));
  }
  // two cars in one cell: one cluster at their mean
  const two = clusterCars([car(1, 0.001, 0.001), car(2, 0.003, 0.003)], 0.01);
  assert.deepEqual(two, [[0.002, 0.002, 2]]);
  // panning does not move clusters: the same cars give the same clusters whatever the order
  const again = clusterCars([...cars].reverse(), cell);
  const key = (c: readonly number[]) => c.join(',');
  assert.deepEqual(new Set(again.map(key)).size, clusters.length);
  assert.ok(Math.abs(mercatorY(48) - 54.9) < 0.1);
});

test('frames: cars at or above the cluster zoom, clusters below it or above the cap; inView counts cars', () => {
  const cars = fleet(2000);
  const src = new FrameSource(1000, cars, { clusterZoom: 14, cellPx: 64, maxCars: 500 });
  const small = view(11.55, 48.12, 11.57, 48.13, 16);
  const f1 = src.frame(small);
  assert.equal(f1.t, 1000);
  assert.equal(f1.total, 2000);
  assert.equal(f1.clusters.length, 0);
  assert.equal(f1.cars.length, brute(cars, small).length);
  assert.equal(f1.inView, f1.cars.length);
  assert.ok(f1.cars.length > 0);

  const whole = view(11.4, 48.0, 11.8, 48.3, 11);
  const f2 = src.frame(whole);
  assert.equal(f2.cars.length, 0);
  assert.ok(f2.clusters.length > 0);
  assert.equal(f2.inView, 2000);
  assert.equal(
    f2.clusters.reduce((s, c) => s + c[2], 0),
    2000,
  );

  // zoomed in but too many cars in view: clusters, not an arbitrary cut
  const f3 = src.frame({ ...whole, zoom: 16 });
  assert.equal(f3.cars.length, 0);
  assert.equal(f3.inView, 2000);

  // fractional zooms cluster on the integer level's grid
  assert.deepEqual(src.frame({ ...whole, zoom: 11.7 }).clusters, f2.clusters);
});

test('car tuples are rounded for the wire and flag moving cars', () => {
  const t = toCarTuple('VIN', { gps: { lat: 48.123456789, lon: 11.987654321, heading: 181.66, speedKmh: 0.4 } });
  assert.deepEqual(t, ['VIN', 11.987654, 48.123457, 182, 0.4, 0]);
  assert.equal(toCarTuple('VIN', { gps: { lat: 0, lon: 0, heading: 0, speedKmh: 42.26 } })[5], 1);
});

test('10,000 cars, 100 viewports at mixed zooms: built and framed within a tick budget (generous on a loaded machine)', (t) => {
  const cars = fleet(10_000, 7);
  const t0 = performance.now();
  const src = new FrameSource(0, cars, { clusterZoom: 14, cellPx: 64, maxCars: 2000 });
  const built = performance.now() - t0;
  const rng = new Rng(3);
  const t1 = performance.now();
  let sent = 0;
  for (let i = 0; i < 100; i++) {
    const w = 11.5 + rng.float() * 0.15;
    const s = 48.1 + rng.float() * 0.07;
    const zoom = 10 + rng.float() * 8;
    const f = src.frame(view(w, s, w + 0.03, s + 0.02, zoom));
    sent += f.cars.length + f.clusters.length;
  }
  const frames = performance.now() - t1;
  assert.ok(sent > 0);
  t.diagnostic(`index ${built.toFixed(1)} ms, 100 frames ${frames.toFixed(1)} ms`);
  // unloaded, both take a few ms; the bound only catches an O(fleet x clients) regression
  assert.ok(built + frames < 2000, `index ${built.toFixed(1)} ms, 100 frames ${frames.toFixed(1)} ms`);
});

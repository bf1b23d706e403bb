/**
 * Circle and corridor fences (centre + radius in metres; a route + width in metres) as the fence API
 * accepts them, checked point by point against Turf's own versions of the same shapes: @turf/circle
 * (a 256-step polygon) and @turf/buffer (the route buffered by half the width). The evaluator keeps
 * its exact shapes in local metres (decision record 0025); Turf is the independent oracle here.
 * Points within 2 m of the boundary are left out: there the polygon's chords and the two
 * projections may honestly disagree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { booleanPointInPolygon, buffer, circle, lineString, point } from '@turf/turf';
import {
  assertFence,
  compileFence,
  containsLocal,
  depthLocal,
  featureToFence,
  type CompiledFence,
} from '../../../backend/services/geofencing/index.js';
import { Rng } from '../../../core/random.js';

/** Local metres of (lon, lat) in the fence's own frame. */
function local(f: CompiledFence, lon: number, lat: number): [number, number] {
  return [(lon - f.lon0) * f.kx, (lat - f.lat0) * f.ky];
}

function agreeWithTurf(
  f: CompiledFence,
  turfContains: (lon: number, lat: number) => boolean,
  seed: number,
): { inside: number; outside: number } {
  const r = new Rng(seed);
  const padLon = (f.maxLon - f.minLon) * 0.3;
  const padLat = (f.maxLat - f.minLat) * 0.3;
  let inside = 0;
  let outside = 0;
  for (let k = 0; k < 5000; k++) {
    const lon = f.minLon - padLon + r.float() * (f.maxLon - f.minLon + 2 * padLon);
    const lat = f.minLat - padLat + r.float() * (f.maxLat - f.minLat + 2 * padLat);
    const [x, y] = local(f, lon, lat);
    if (Math.abs(depthLocal(f, x, y)) < 2) continue;
    const ours = containsLocal(f, x, y);
    assert.equal(ours, turfContains(lon, lat), `${f.id}: point [${lon}, ${lat}] (depth ${depthLocal(f, x, y).toFixed(1)} m)`);
    if (ours) inside++;
    else outside++;
  }
  return { inside, outside };
}

test('a circle fence: centre + radius in metres; inside and outside agree with @turf/circle', () => {
  const center: [number, number] = [11.575, 48.137];
  const fence = compileFence(assertFence({ id: 'depot', name: 'Depot', geometry: { type: 'Circle', center, radiusM: 150 } }));
  const [cx, cy] = local(fence, center[0], center[1]);
  assert.equal(containsLocal(fence, cx, cy), true, 'the centre is inside');
  // 150 m due north is 150 / 111,195 degrees of latitude: 140 m inside, 160 m outside
  assert.equal(containsLocal(fence, ...local(fence, center[0], center[1] + 140 / 111_195)), true);
  assert.equal(containsLocal(fence, ...local(fence, center[0], center[1] + 160 / 111_195)), false);
  const polygon = circle(center, 0.15, { steps: 256, units: 'kilometers' });
  const n = agreeWithTurf(fence, (lon, lat) => booleanPointInPolygon(point([lon, lat]), polygon), 1);
  assert.ok(n.inside > 1000 && n.outside > 1000, `both sides sampled (${n.inside} in, ${n.outside} out)`);
});

test('a corridor fence: a route + width in metres; inside and outside agree with @turf/buffer', () => {
  const route: [number, number][] = [
    [11.56, 48.13],
    [11.565, 48.1325],
    [11.572, 48.1322],
    [11.575, 48.136],
  ];
  const fence = compileFence(assertFence({ id: 'route', name: 'Route', geometry: { type: 'Corridor', coordinates: route, widthM: 40 } }));
  const [mx, my] = local(fence, (route[1]![0] + route[2]![0]) / 2, (route[1]![1] + route[2]![1]) / 2);
  assert.equal(containsLocal(fence, mx, my), true, 'a point on the route is inside');
  assert.equal(containsLocal(fence, mx, my + 25), false, '25 m off the route (more than half the width) is outside');
  const buffered = buffer(lineString(route), 20, { units: 'meters', steps: 64 });
  assert.ok(buffered !== undefined);
  const n = agreeWithTurf(fence, (lon, lat) => booleanPointInPolygon(point([lon, lat]), buffered), 2);
  assert.ok(n.inside > 50 && n.outside > 1000, `both sides sampled (${n.inside} in, ${n.outside} out)`);
});

test('both shapes come in as GeoJSON too: a Point with radiusM, a LineString with widthM', () => {
  const c = compileFence(
    featureToFence({
      type: 'Feature',
      id: 'c',
      geometry: { type: 'Point', coordinates: [11.5, 48.1] },
      properties: { name: 'C', radiusM: 50 },
    }),
  );
  assert.equal(c.kind, 'circle');
  assert.equal(containsLocal(c, ...local(c, 11.5, 48.1)), true);
  const k = compileFence(
    featureToFence({
      type: 'Feature',
      id: 'k',
      geometry: {
        type: 'LineString',
        coordinates: [
          [11.5, 48.1],
          [11.51, 48.1],
        ],
      },
      properties: { name: 'K', widthM: 10 },
    }),
  );
  assert.equal(k.kind, 'corridor');
  assert.equal(containsLocal(k, ...local(k, 11.505, 48.1)), true);
  assert.equal(containsLocal(k, ...local(k, 11.505, 48.1 + 20 / 111_195)), false);
});

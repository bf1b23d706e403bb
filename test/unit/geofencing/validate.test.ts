/** Fence validation: each invalid geometry refused with GEOFENCE_INVALID naming its reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kinks, polygon as turfPolygon } from '@turf/turf';
import { isV2xError } from '../../../core/errors.js';
import { assertFence, validateFence, type GeofenceInvalidReason } from '../../../backend/services/geofencing/index.js';
import { flattenRing, selfIntersection } from '../../../backend/services/geofencing/geometry-checks.js';

const sq = (lon: number, lat: number, d: number): number[][] => [
  [lon - d, lat - d],
  [lon + d, lat - d],
  [lon + d, lat + d],
  [lon - d, lat + d],
  [lon - d, lat - d],
];
/** A ring from `lon lat[ alt], lon lat, ...`. */
const ring = (text: string): number[][] => text.split(',').map((p) => p.trim().split(/\s+/).map(Number));
const base = { id: 'f1', name: 'Fence' };
const polygon = (...rings: number[][][]) => ({ ...base, geometry: { type: 'Polygon', coordinates: rings } });
/** A two-point corridor fence. */
const corridor = (a: number[], b: number[], widthM: number) => ({ ...base, geometry: { type: 'Corridor', coordinates: [a, b], widthM } });

function refused(value: unknown, reason: GeofenceInvalidReason, field?: string): string {
  const r = validateFence(value);
  assert.equal(r.ok, false, `expected ${reason}, got a valid fence`);
  if (r.ok) return '';
  assert.equal(r.issue.code, 'GEOFENCE_INVALID');
  assert.equal(r.issue.reason, reason, r.issue.message);
  if (field !== undefined) assert.equal(r.issue.field, field);
  assert.ok(r.issue.message.startsWith(r.issue.field), r.issue.message);
  return r.issue.message;
}

test('valid fences of every kind pass, with defaults filled in', () => {
  const withHole = assertFence(polygon(sq(11.575, 48.137, 0.01), sq(11.575, 48.137, 0.002)));
  assert.deepEqual(withHole.tags, []);
  assert.equal(withHole.enabled, true);
  assertFence({ ...base, geometry: { type: 'MultiPolygon', coordinates: [[sq(11.5, 48.1, 0.01)], [sq(11.6, 48.1, 0.01)]] } });
  assertFence({ ...base, geometry: { type: 'Circle', center: [11.575, 48.137], radiusM: 150 }, dwellS: 300, tags: ['school'] });
  assertFence({
    ...base,
    enabled: false,
    geometry: {
      type: 'Corridor',
      coordinates: [
        [11.5, 48.1],
        [11.51, 48.1],
        [11.51, 48.11],
      ],
      widthM: 30,
    },
  });
  assertFence({
    ...polygon(sq(11.575, 48.137, 0.001)),
    vehicles: { fleetTag: 'taxi' },
    actions: [
      { on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 30 } } },
      { on: 'exit', command: { type: 'unlock', params: {} } },
    ],
  });
  assertFence({ ...polygon(sq(11.575, 48.137, 0.001)), vehicles: { vins: ['WVWZZZ1K20W000001'] } });
  // consecutive duplicate positions (common in drawn polygons) are tolerated; altitude is ignored
  assertFence(polygon(ring('0 0 5, 1 0 5, 1 0 5, 1 1 5, 0 1 5, 0 0 5')));
});

test('unclosed ring', () => {
  const m = refused(polygon(ring('0 0, 1 0, 1 1, 0 1')), 'ring_not_closed', 'geofence.geometry.coordinates[0]');
  assert.match(m, /closed/);
});

test('fewer than 4 positions', () => {
  assert.match(refused(polygon(ring('0 0, 1 0, 0 0')), 'ring_too_short', 'geofence.geometry.coordinates[0]'), /at least 4 positions/);
  // 4 positions but only 2 distinct
  refused(polygon(ring('0 0, 1 0, 1 0, 0 0')), 'ring_too_short');
});

test('self-intersecting ring: a bow tie, a figure eight touching at a vertex, a spike', () => {
  const m = refused(polygon(ring('0 0, 1 1, 1 0, 0 1, 0 0')), 'ring_self_intersects', 'geofence.geometry.coordinates[0]');
  assert.match(m, /edges 0 and 2/);
  refused(polygon(ring('0 0, 2 0, 1 1, 2 2, 0 2, 1 1, 0 0')), 'ring_self_intersects');
  refused(polygon(ring('0 0, 2 0, 2 2, 2 1, 0 2, 0 0')), 'ring_self_intersects');
  // in a hole too
  refused(
    polygon(sq(0, 0, 1), [
      [0, 0],
      [0.5, 0.5],
      [0.5, 0],
      [0, 0.5],
      [0, 0],
    ]),
    'ring_self_intersects',
    'geofence.geometry.coordinates[1]',
  );
});

test('a collinear ring has no area', () => {
  refused(polygon(ring('0 0, 1 0, 2 0, 0 0')), 'ring_self_intersects');
  refused(polygon(ring('0 0, 1 1, 2 2, 3 3, 0 0')), 'ring_self_intersects');
});

test('coordinates out of range', () => {
  assert.match(
    refused(polygon(ring('0 0, 181 0, 1 1, 0 0')), 'coordinate_out_of_range', 'geofence.geometry.coordinates[0][1]'),
    /longitude/,
  );
  assert.match(refused(polygon(ring('0 0, 1 91, 1 1, 0 0')), 'coordinate_out_of_range'), /latitude/);
  refused(
    { ...base, geometry: { type: 'Circle', center: [0, -90.5], radiusM: 10 } },
    'coordinate_out_of_range',
    'geofence.geometry.center',
  );
  refused(corridor([0, 0], [-180.1, 0], 10), 'coordinate_out_of_range');
  // NaN / Infinity never reach the geometry rules: JSON Schema numbers are finite
  refused(
    polygon([
      [0, 0],
      [Number.NaN, 0],
      [1, 1],
      [0, 0],
    ]),
    'schema',
  );
});

test('hole outside its shell, or crossing it', () => {
  assert.match(refused(polygon(sq(0, 0, 1), sq(5, 5, 0.5)), 'hole_outside_shell', 'geofence.geometry.coordinates[1]'), /hole 1/);
  refused(polygon(sq(0, 0, 1), sq(1, 0, 0.5)), 'hole_outside_shell');
  // every vertex inside, but an edge pokes out through a notch of a concave shell
  const notched = [
    [0, 0],
    [4, 0],
    [4, 4],
    [2, 1],
    [0, 4],
    [0, 0],
  ];
  refused(
    polygon(notched, [
      [1, 2],
      [3, 2],
      [3, 2.5],
      [1, 2.5],
      [1, 2],
    ]),
    'hole_outside_shell',
  );
  refused(
    { ...base, geometry: { type: 'MultiPolygon', coordinates: [[sq(0, 0, 1)], [sq(10, 0, 1), sq(20, 0, 1)]] } },
    'hole_outside_shell',
    'geofence.geometry.coordinates[1][1]',
  );
});

test('radius and width must be > 0', () => {
  refused({ ...base, geometry: { type: 'Circle', center: [11.5, 48.1], radiusM: 0 } }, 'radius_not_positive', 'geofence.geometry.radiusM');
  refused({ ...base, geometry: { type: 'Circle', center: [11.5, 48.1], radiusM: -5 } }, 'radius_not_positive');
  refused(corridor([0, 0], [0.01, 0], 0), 'width_not_positive', 'geofence.geometry.widthM');
  refused(corridor([0, 0], [0, 0], 10), 'corridor_too_short');
});

test('shape errors name the field: unknown geometry, missing name, unknown key, bad VIN, filter with both or neither', () => {
  refused({ ...base, geometry: { type: 'Point', coordinates: [0, 0] } }, 'schema', 'geofence.geometry');
  refused({ id: 'x', geometry: { type: 'Circle', center: [0, 0], radiusM: 1 } }, 'schema', 'geofence.name');
  refused({ ...polygon(sq(0, 0, 1)), colour: 'red' }, 'schema', 'geofence.colour');
  refused({ ...polygon(sq(0, 0, 1)), id: 'has space' }, 'schema', 'geofence.id');
  refused({ ...polygon(sq(0, 0, 1)), vehicles: { vins: ['WVWZZZ1K30W000001'] } }, 'schema', 'geofence.vehicles.vins[0]');
  refused({ ...polygon(sq(0, 0, 1)), vehicles: { vins: ['WVWZZZ1K20W000001'], fleetTag: 'taxi' } }, 'schema', 'geofence.vehicles');
  refused({ ...polygon(sq(0, 0, 1)), vehicles: {} }, 'schema', 'geofence.vehicles');
  refused({ ...polygon(sq(0, 0, 1)), dwellS: 0 }, 'schema', 'geofence.dwellS');
});

test("actions: the command type must be in the catalogue and its params valid (protocol's validateCommandParams)", () => {
  refused({ ...polygon(sq(0, 0, 1)), actions: [{ on: 'enter', command: { type: 'self_destruct', params: {} } }] }, 'schema');
  const m = refused(
    { ...polygon(sq(0, 0, 1)), actions: [{ on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 5 } } }] },
    'action_params_invalid',
    'geofence.actions[0].command.params',
  );
  assert.match(m, /kmh: must be >= 30/);
  refused(
    { ...polygon(sq(0, 0, 1)), actions: [{ on: 'exit', command: { type: 'lock', params: { force: true } } }] },
    'action_params_invalid',
  );
});

test('assertFence throws a V2xError GEOFENCE_INVALID, not retryable, with the reason in details', () => {
  assert.throws(
    () => assertFence(polygon(ring('0 0, 1 0, 1 1, 0 1'))),
    (err: unknown) =>
      isV2xError(err, 'GEOFENCE_INVALID') &&
      !err.retryable &&
      err.details.reason === 'ring_not_closed' &&
      /invalid geofence: /.test(err.message),
  );
});

test('self-intersection test agrees with @turf/kinks on 2,000 random rings (seeded)', () => {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let crossing = 0;
  for (let k = 0; k < 2000; k++) {
    const n = 4 + Math.floor(rnd() * 8);
    const ring: [number, number][] = [];
    for (let i = 0; i < n; i++) ring.push([rnd(), rnd()]);
    ring.push(ring[0] as [number, number]);
    const turf = kinks(turfPolygon([ring])).features.length > 0;
    const ours = selfIntersection(flattenRing(ring)) !== undefined;
    assert.equal(ours, turf, `ring ${JSON.stringify(ring)}`);
    if (ours) crossing++;
  }
  assert.ok(crossing > 500 && crossing < 1990, `a useful mix (${crossing} of 2000 self-intersect)`);
});

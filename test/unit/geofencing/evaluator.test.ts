/** Evaluator rules not covered by the golden files: options, ordering, replays, stale fixes, upserts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import {
  assertFence,
  createGeofenceState,
  evaluate,
  fencesOf,
  type FixInput,
  type GeofenceOutput,
} from '../../../backend/services/geofencing/index.js';

const LAT = 48.137;
const LON = 11.575;
const KX = 111_195 * Math.cos((LAT * Math.PI) / 180);
const at = (e: number, n: number): { lat: number; lon: number } => ({ lat: LAT + n / 111_195, lon: LON + e / KX });
const fix = (vin: string, ts: number, e: number, n: number): FixInput => ({ kind: 'fix', vin, ts, ...at(e, n) });
const rect = (id: string, e0: number, n0: number, e1: number, n1: number, extra: Record<string, unknown> = {}) => {
  const [a, b, c, d] = [at(e0, n0), at(e1, n0), at(e1, n1), at(e0, n1)];
  return assertFence({
    id,
    name: id,
    geometry: { type: 'Polygon', coordinates: [[a, b, c, d, a].map((p) => [p.lon, p.lat])] },
    ...extra,
  });
};
const types = (outs: readonly GeofenceOutput[]): string[] =>
  outs.map((o) => (o.kind === 'event' ? `${o.event.type}:${o.event.fenceId}` : `cmd:${o.command.type}`));

test('options are checked: a bad value is refused with CONFIG_INVALID naming it', () => {
  assert.throws(
    () => createGeofenceState({ confirmFixes: 0 }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /confirmFixes/.test(e.message),
  );
  assert.throws(
    () => createGeofenceState({ hysteresisM: -1 }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID'),
  );
  assert.throws(
    () => createGeofenceState({ cellDeg: 0 }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID'),
  );
});

test('one fix leaving one fence and entering a touching one: exit first, then enter', () => {
  const s = createGeofenceState({}, [rect('b', 100, 0, 200, 100), rect('a', 0, 0, 100, 100)]);
  evaluate(s, fix('V', 0, 50, 50));
  const r = evaluate(s, fix('V', 1000, 150, 50));
  assert.deepEqual(types(r.outputs), ['exit:a', 'enter:b']);
  assert.deepEqual(fencesOf(s, 'V'), ['b']);
});

test('events of one fix are ordered by fenceId whatever the insertion order', () => {
  const fences = ['m', 'c', 'x', 'a'].map((id) => rect(id, 0, 0, 100, 100));
  const s1 = createGeofenceState({}, fences);
  const s2 = createGeofenceState({}, [...fences].reverse());
  const o1 = evaluate(s1, fix('V', 0, 50, 50)).outputs;
  const o2 = evaluate(s2, fix('V', 0, 50, 50)).outputs;
  assert.deepEqual(types(o1), ['enter:a', 'enter:c', 'enter:m', 'enter:x']);
  assert.deepEqual(o1, o2);
});

test('duplicate and out-of-order fixes are ignored', () => {
  const s = createGeofenceState({}, [rect('a', 0, 0, 100, 100)]);
  assert.equal(evaluate(s, fix('V', 1000, 50, 50)).outputs.length, 1);
  assert.equal(evaluate(s, fix('V', 1000, 500, 50)).outputs.length, 0, 'same ts: a duplicate');
  assert.equal(evaluate(s, fix('V', 500, 500, 50)).outputs.length, 0, 'older: out of order');
  assert.deepEqual(fencesOf(s, 'V'), ['a']);
  assert.deepEqual(types(evaluate(s, fix('V', 2000, 500, 50)).outputs), ['exit:a']);
});

test('a car far away after a long gap exits without the fence being near its new position', () => {
  const s = createGeofenceState({}, [rect('a', 0, 0, 100, 100)]);
  evaluate(s, fix('V', 0, 50, 50));
  const r = evaluate(s, fix('V', 3_600_000, 50_000, 50_000));
  assert.deepEqual(types(r.outputs), ['exit:a']);
});

test('a geometry upsert takes effect on the next fix; a pending entry restarts', () => {
  const s = createGeofenceState({}, [rect('a', 0, 0, 100, 100)]);
  evaluate(s, fix('V', 0, 50, 50));
  assert.equal(evaluate(s, { kind: 'upsert', ts: 500, fence: rect('a', 1000, 0, 1100, 100) }).outputs.length, 0);
  assert.deepEqual(types(evaluate(s, fix('V', 1000, 50, 50)).outputs), ['exit:a']);
  assert.deepEqual(types(evaluate(s, fix('V', 2000, 1050, 50)).outputs), ['enter:a']);
});

test('enter/exit actions produce commands after their event; a deletion exit fires none', () => {
  const act = { actions: [{ on: 'exit', command: { type: 'lock', params: {} } }] };
  const s = createGeofenceState({}, [rect('a', 0, 0, 100, 100, act)]);
  evaluate(s, fix('V', 0, 50, 50));
  assert.deepEqual(types(evaluate(s, fix('V', 1000, 300, 50)).outputs), ['exit:a', 'cmd:lock']);
  evaluate(s, fix('V', 2000, 50, 50));
  const del = evaluate(s, { kind: 'delete', ts: 3000, id: 'a' }).outputs;
  assert.deepEqual(types(del), ['exit:a']);
  assert.equal(del[0]?.kind === 'event' ? del[0].event.reason : undefined, 'fence_deleted');
});

test('confirmFixes 1 and hysteresis 0 make a plain point-in-polygon: every inside fix enters', () => {
  const s = createGeofenceState({ confirmFixes: 1, hysteresisM: 0 }, [rect('a', 0, 0, 100, 100)]);
  assert.deepEqual(types(evaluate(s, fix('V', 0, 99, 50)).outputs), ['enter:a']);
  assert.deepEqual(types(evaluate(s, fix('V', 1000, 101, 50)).outputs), ['exit:a']);
});

test('ticks before the dwell time and for cars outside do nothing', () => {
  const s = createGeofenceState({}, [rect('a', 0, 0, 100, 100, { dwellS: 10 })]);
  evaluate(s, fix('V', 0, 50, 50));
  evaluate(s, fix('W', 0, 500, 50));
  assert.equal(evaluate(s, { kind: 'tick', ts: 9_999 }).outputs.length, 0);
  const r = evaluate(s, { kind: 'tick', ts: 10_000 }).outputs;
  assert.equal(r.length, 1);
  assert.equal(r[0]?.kind === 'event' ? r[0].event.dwellS : undefined, 10);
  assert.equal(evaluate(s, { kind: 'tick', ts: 20_000 }).outputs.length, 0, 'once per visit');
});

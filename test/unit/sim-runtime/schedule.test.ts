import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhaseSchedule, phaseOffsetMs, telemetryIntervalMsOf } from '../../../simulator/runtime/schedule.js';

test('telemetry interval from the rate', () => {
  assert.equal(telemetryIntervalMsOf(1), 1000);
  assert.equal(telemetryIntervalMsOf(0.05), 20_000);
  assert.equal(telemetryIntervalMsOf(3), 333);
  assert.throws(() => telemetryIntervalMsOf(0), RangeError);
});

test('phase offsets depend on (seed, index) only, lie in [0, interval) and spread the fleet', () => {
  const phases = Array.from({ length: 10_000 }, (_, i) => phaseOffsetMs('s1', i, 1000));
  assert.deepEqual(
    phases.slice(0, 50),
    Array.from({ length: 50 }, (_, i) => phaseOffsetMs('s1', i, 1000)),
  );
  assert.ok(phases.every((p) => Number.isInteger(p) && p >= 0 && p < 1000));
  const perTenth = new Array<number>(10).fill(0);
  for (const p of phases) perTenth[Math.floor(p / 100)]!++;
  for (const n of perTenth) assert.ok(n > 850 && n < 1150, `uniform spread: ${perTenth.join(',')}`);
  assert.notDeepEqual(
    phases.slice(0, 20),
    Array.from({ length: 20 }, (_, i) => phaseOffsetMs('s2', i, 1000)),
    'another seed, other phases',
  );
});

test('the schedule gives each car once per interval at its phase, in due order', () => {
  const s = new PhaseSchedule([300, 0, 700, 300], 1000);
  const seen: [number, number][] = [];
  assert.equal(
    s.drain(-1, (c, d) => seen.push([c, d])),
    0,
  );
  assert.equal(s.nextDueMs, 0);
  s.drain(299, (c, d) => seen.push([c, d]));
  assert.deepEqual(seen, [[1, 0]]);
  s.drain(2300, (c, d) => seen.push([c, d]));
  assert.deepEqual(seen, [
    [1, 0],
    [0, 300],
    [3, 300],
    [2, 700],
    [1, 1000],
    [0, 1300],
    [3, 1300],
    [2, 1700],
    [1, 2000],
    [0, 2300],
    [3, 2300],
  ]);
  assert.equal(s.nextDueMs, 2700);
});

test('draining in small or large steps gives the same sequence (rate kept whatever the tick)', () => {
  const phases = Array.from({ length: 37 }, (_, i) => phaseOffsetMs(7, i, 500));
  const a = new PhaseSchedule(phases, 500);
  const b = new PhaseSchedule(phases, 500);
  const sa: number[] = [];
  const sb: number[] = [];
  for (let t = 0; t <= 10_000; t += 10) a.drain(t, (c, d) => sa.push(c, d));
  b.drain(10_000, (c, d) => sb.push(c, d));
  assert.deepEqual(sa, sb);
  assert.equal(sa.length / 2, 37 * 20 + phases.filter((p) => p === 0).length);
});

test('an empty schedule and bad phases', () => {
  const s = new PhaseSchedule([], 1000);
  assert.equal(
    s.drain(1e9, () => assert.fail()),
    0,
  );
  assert.equal(s.nextDueMs, Infinity);
  assert.throws(() => new PhaseSchedule([1000], 1000), RangeError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelMeasured, startRampToBreak, type RampAction } from '../../../loadtest/ramp-to-break.js';
import type { RampToBreakSettings } from '../../../loadtest/scenario/scenario.js';
import type { ThresholdResult } from '../../../loadtest/thresholds/evaluate.js';

const settings: RampToBreakSettings = {
  startCars: 1000,
  stepCars: 1000,
  maxCars: 5000,
  rampMs: 10_000,
  holdMs: 30_000,
  settleMs: 10_000,
  rateHz: 1,
};

const result = (expression: string, pass: boolean): ThresholdResult => ({
  expression,
  metric: 'puback_latency',
  stat: 'p99',
  op: '<',
  bound: 50,
  observed: pass ? 10 : 80,
  unit: 'ms',
  pass,
  abortOnFail: false,
});

/** Drives the controller as the runner will: a broker that holds up to `capacity` cars. */
function drive(capacity: number): { action: Extract<RampAction, { kind: 'done' }>; levels: number[] } {
  let { state, action } = startRampToBreak(settings);
  const levels: number[] = [];
  while (action.kind === 'run-level') {
    levels.push(action.cars);
    const ok = action.cars <= capacity;
    ({ state, action } = levelMeasured(state, [result('errors.rate < 0.1%', true), result('puback_latency.p99 < 50ms', ok)]));
  }
  return { action, levels };
}

test('stops at the first level that breaks and reports the last one that held', () => {
  const { action, levels } = drive(3200);
  assert.deepEqual(levels, [1000, 2000, 3000, 4000]);
  assert.equal(action.lastHeld, 3000);
  assert.equal(action.brokeAt, 4000);
  assert.deepEqual(action.failed, ['puback_latency.p99 < 50ms']);
  assert.deepEqual(
    action.levels.map((l) => [l.cars, l.pass]),
    [
      [1000, true],
      [2000, true],
      [3000, true],
      [4000, false],
    ],
  );
});

test('every level holding: brokeAt is null, lastHeld is maxCars', () => {
  const { action } = drive(1e9);
  assert.equal(action.lastHeld, 5000);
  assert.equal(action.brokeAt, null);
});

test('the first level failing: lastHeld is null', () => {
  const { action } = drive(10);
  assert.equal(action.lastHeld, null);
  assert.equal(action.brokeAt, 1000);
});

test('each level is measured over its hold minus the settle time', () => {
  let { state, action } = startRampToBreak(settings);
  assert.equal(action.kind, 'run-level');
  if (action.kind !== 'run-level') return;
  assert.deepEqual(action.window, { fromMs: 20_000, toMs: 40_000 });
  ({ state, action } = levelMeasured(state, []));
  assert.ok(action.kind === 'run-level');
  assert.deepEqual(action.window, { fromMs: 60_000, toMs: 80_000 });
  assert.equal(action.cars, 2000);
  assert.equal(state.measured.length, 1);
});

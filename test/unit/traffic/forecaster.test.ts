import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Forecaster } from '../../../backend/services/traffic/forecaster.js';
import { Rls } from '../../../backend/services/traffic/rls.js';

const input = (speedMps: number, jamFactor = 0) => ({
  segmentId: 's',
  speedMps,
  freeFlowMps: 10,
  jamFactor,
  downstreamJamFactor: 0,
  count: 5,
});

test('baselines: last value and the historical average of the time-of-day bucket', () => {
  const f = new Forecaster({ stepMs: 10_000, bucketMs: 60_000 });
  f.step([input(8)], 10_000);
  f.step([input(6)], 20_000);
  const out = f.step([input(4)], 30_000);
  const at10 = out.find((o) => o.horizonMin === 10);
  assert.equal(at10?.last, 4);
  assert.equal(at10?.ha, 7); // mean of 8 and 6 seen before this step, same 1-minute bucket
  // calm regime (|last - ha| / ff = 0.3 > 0.25 is disturbed, so check a calm one)
  const calm = f.step([input(6.5)], 40_000).find((o) => o.horizonMin === 5);
  assert.equal(calm?.model, calm?.ha);
});

test('RLS recovers a linear relation', () => {
  const r = new Rls(2, { delta: 0.001 });
  for (let i = 0; i < 200; i++) {
    const x = (i % 17) / 17;
    r.update([1, x], 0.5 + 2 * x);
  }
  assert.ok(Math.abs((r.weights[0] as number) - 0.5) < 1e-3);
  assert.ok(Math.abs((r.weights[1] as number) - 2) < 1e-3);
});

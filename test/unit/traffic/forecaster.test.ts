import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Forecaster } from '../../../backend/services/traffic/forecaster.js';
import { LadRegressor } from '../../../backend/services/traffic/lad.js';
import { SlidingMedian } from '../../../backend/services/traffic/sliding-median.js';

const input = (speedMps: number, jamFactor = 0, segmentId = 's') => ({
  segmentId,
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
});

test('calm regime: the model is the historical median of the window means seen before (not the mean)', () => {
  const f = new Forecaster({ stepMs: 10_000 });
  assert.equal(f.step([input(9)], 10_000)[0]?.model, 10, 'no history yet: free flow');
  for (const [i, v] of [9, 9, 1, 9].entries()) f.step([input(v)], 20_000 + i * 10_000);
  // history 9, 9, 9, 1, 9: mean 7.4, median 9
  const out = f.step([input(2)], 70_000);
  for (const o of out) {
    assert.equal(o.model, 9);
    assert.equal(o.ha, 7.4);
    assert.equal(o.last, 2);
  }
});

test('historical median is bounded by medianWindowSteps', () => {
  const f = new Forecaster({ stepMs: 10_000, medianWindowSteps: 3 });
  for (const [i, v] of [1, 1, 1, 8, 8, 8].entries()) f.step([input(v)], 10_000 + i * 10_000);
  assert.equal(f.historicalMedian('s', 10), 8);
  assert.equal(f.historicalMedian('unknown', 10), 10);
});

test('jammed regime: starts from the historical median, learns from the window observed h minutes later only', () => {
  const f = new Forecaster({ stepMs: 10_000, ladEta: 0.01 });
  for (let i = 0; i < 30; i++) f.step([input(8)], 10_000 + i * 10_000);
  const first = f.step([input(2, 8)], 310_000);
  assert.equal(first.find((o) => o.horizonMin === 5)?.model, 8, 'untrained: the historical median');
  // the jam persists: every jammed forecast is later met by 2 m/s; the +5 model learns before +10 and +15
  let now = 320_000;
  for (let i = 0; i < 35; i++, now += 10_000) f.step([input(2, 8)], now);
  const w = f.weights();
  assert.notDeepEqual(w['+5'], [0, 0, 1, 0, 0, 0], '+5 trained after 5 min');
  assert.deepEqual(w['+10'], [0, 0, 1, 0, 0, 0], '+10 not yet: its targets are not known before t + 10 min');
  const out = f.step([input(2, 8)], now);
  const m5 = out.find((o) => o.horizonMin === 5)?.model as number;
  assert.ok(m5 < 8, `+5 moved towards the observed 2 m/s (${m5})`);
});

test('a forecast depends only on the inputs up to its time (no peeking)', () => {
  const run = (future: number): number[] => {
    const f = new Forecaster({ stepMs: 10_000 });
    const outs: number[] = [];
    for (let i = 0; i < 60; i++) {
      const v = i < 40 ? 5 + (i % 3) : future;
      const out = f.step([input(v, i % 7 === 0 ? 6 : 0)], 10_000 + i * 10_000);
      if (i < 40) outs.push(...out.map((o) => o.model));
    }
    return outs;
  };
  assert.deepEqual(run(1), run(12));
});

test('SlidingMedian: median of the last capacity values, odd and even counts', () => {
  const m = new SlidingMedian(4);
  assert.equal(m.median(-1), -1);
  m.push(5);
  assert.equal(m.median(0), 5);
  m.push(1);
  assert.equal(m.median(0), 3);
  for (const v of [9, 7, 3]) m.push(v); // holds 1, 9, 7, 3
  assert.equal(m.size, 4);
  assert.equal(m.median(0), 5);
  m.push(3); // holds 9, 7, 3, 3
  assert.equal(m.median(0), 5);
  assert.throws(() => new SlidingMedian(0), /capacity/);
});

test('LadRegressor: fits the conditional median, not the mean, despite outliers', () => {
  const r = new LadRegressor(1, { eta: 0.01, initial: [0] });
  // y = 1 most of the time, 50 in one sample of ten: median 1, mean 5.9
  for (let i = 0; i < 5000; i++) r.update([1], i % 10 === 0 ? 50 : 1);
  assert.ok(Math.abs(r.predict([1]) - 1) < 0.05, `got ${r.predict([1])}`);
});

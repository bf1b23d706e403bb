/** bench/lib/reconnect-curve.ts: reconnect-time quantiles and the peak connect rate from a count curve. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peakPerSecond, reconnectFigures } from '../../../bench/lib/reconnect-curve.js';

test('quantiles are the times the count first reaches them; the peak is the steepest second', () => {
  // 1,000 cars: nothing for 3 s (the broker restarting), then 100 a second for 10 s, sampled every 200 ms
  const samples = [];
  for (let t = 0; t <= 15_000; t += 200) samples.push({ t, connected: Math.min(1000, Math.max(0, Math.floor((t - 3000) / 10))) });
  const f = reconnectFigures(samples, 1000);
  assert.equal(f.reconnected, 1000);
  assert.equal(f.p50_s, 8);
  assert.equal(f.p99_s, 13);
  assert.equal(f.max_s, 13);
  assert.equal(f.peak_connect_rate_per_s, 100);
});

test('not all back: no max, and a burst within a second counts at its rate', () => {
  const f = reconnectFigures(
    [
      { t: 1000, connected: 0 },
      { t: 1200, connected: 400 },
      { t: 2200, connected: 400 },
    ],
    1000,
  );
  assert.deepEqual(f, { reconnected: 400, p50_s: null, p99_s: null, max_s: null, peak_connect_rate_per_s: 400 });
});

test('peakPerSecond: the steepest rise of a counter within one second, samples unevenly spaced', () => {
  const samples = [
    { t: 0, value: 0 },
    { t: 300, value: 100 },
    { t: 900, value: 700 },
    { t: 1300, value: 1100 }, // 1,000 from t=300 to t=1300
    { t: 2500, value: 1200 }, // more than a second after: a window of its own
    { t: 2600, value: 1300 },
  ];
  assert.equal(peakPerSecond(samples), 1000);
  assert.equal(peakPerSecond([]), 0);
  assert.equal(peakPerSecond([{ t: 0, value: 5 }]), 0);
});

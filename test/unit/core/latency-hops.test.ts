/** The hop math of decision 0030: live/stored classification, the windowed waterfall, bucket quantiles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketQuantile, classify, HopWindow, hopMs, STORED_AFTER_MS, waterfall } from '../../../core/latency-hops.js';

test('a hop is measured from the car timestamp and never negative', () => {
  assert.equal(hopMs({ carTs: 1000, at: 1012 }), 12);
  assert.equal(hopMs({ carTs: 1000, at: 995 }), 0); // the car's clock a little ahead
});

test('older than the threshold, or flagged as backlog, is stored; the rest is live', () => {
  assert.equal(classify({ carTs: 0, at: STORED_AFTER_MS }), 'live');
  assert.equal(classify({ carTs: 0, at: STORED_AFTER_MS + 1 }), 'stored');
  assert.equal(classify({ carTs: 0, at: 5, backlog: true }), 'stored');
  assert.equal(classify({ carTs: 0, at: 300 }, 200), 'stored');
});

test('the window keeps a backlog out of the live percentiles and counts it apart', () => {
  const w = new HopWindow(1000);
  for (let i = 1; i <= 100; i++) w.observe('consumed', { carTs: 0, at: i }); // 1..100 ms
  for (let i = 0; i < 50; i++) w.observe('consumed', { carTs: 0, at: 30_000 }); // a car's backlog
  const { rows, stored } = w.take();
  assert.equal(stored, 50);
  const row = rows.find((r) => r.hop === 'consumed');
  assert.ok(row);
  assert.equal(row.n, 100);
  assert.ok(Math.abs(row.p50Ms - 50) <= 1, `p50 ${row.p50Ms}`);
  assert.ok(Math.abs(row.p99Ms - 99) <= 1, `p99 ${row.p99Ms}`);
  // a fresh window after take
  assert.deepEqual(w.take(), { rows: [], stored: 0 });
});

test('the waterfall lists hops in path order with each step from the one before', () => {
  const rows = waterfall(
    new Map([
      ['consumed', { n: 10, p50Ms: 12, p99Ms: 20 }],
      ['broker', { n: 10, p50Ms: 1, p99Ms: 3 }],
      ['kafka', { n: 10, p50Ms: 7.04, p99Ms: 11 }],
      ['car', { n: 0, p50Ms: 0, p99Ms: 0 }],
    ]),
  );
  assert.deepEqual(
    rows.map((r) => [r.hop, r.p50Ms, r.stepP50Ms]),
    [
      ['broker', 1, 1],
      ['kafka', 7, 6],
      ['consumed', 12, 5],
    ],
  );
});

test('bucket quantiles interpolate within the bucket and stop at the last finite bound', () => {
  const buckets = [
    { le: 0.001, count: 0 },
    { le: 0.002, count: 50 },
    { le: 0.004, count: 100 },
    { le: Number.POSITIVE_INFINITY, count: 100 },
  ];
  assert.equal(bucketQuantile(0.5, buckets), 0.002);
  assert.ok(Math.abs(bucketQuantile(0.75, buckets) - 0.003) < 1e-12);
  assert.ok(Math.abs(bucketQuantile(0.25, buckets) - 0.0015) < 1e-12);
  assert.equal(
    bucketQuantile(0.5, [
      { le: 0.001, count: 0 },
      { le: Number.POSITIVE_INFINITY, count: 4 },
    ]),
    0.001,
  );
  assert.ok(Number.isNaN(bucketQuantile(0.5, [{ le: Number.POSITIVE_INFINITY, count: 0 }])));
});

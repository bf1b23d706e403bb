import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsCollector, mergeCollectorSnapshots } from '../../../loadtest/metrics/collector.js';
import { Histogram } from '../../../core/histogram.js';
import { subtractHistogram } from '../../../loadtest/metrics/histogram-diff.js';
import { summarize, timelineOf } from '../../../loadtest/metrics/summary.js';

test('the collector buckets by second and summarises', () => {
  const c = new MetricsCollector();
  c.sent(100, 'telemetry');
  c.sent(900, 'telemetry', 2);
  c.sent(1100, 'event');
  c.acked(1200, 'telemetry', 3);
  c.latency(150, 'puback', 2000);
  c.latency(1150, 'puback', 4000);
  c.connected(500, 10);
  c.connected(1500, 12);
  c.error(3100, 'MQTT_CONNECT_TIMEOUT');
  c.reconnect(3200);
  const snap = c.snapshot();
  assert.deepEqual(
    snap.buckets.map((b) => b.i),
    [0, 1, 3],
  );
  const s = summarize(snap);
  assert.equal(s.durationMs, 4000);
  assert.equal(s.messages.sent, 4);
  assert.deepEqual(s.messages.sentByKind, { telemetry: 3, event: 1 });
  assert.equal(s.messages.acked, 3);
  assert.equal(s.latencyMs.puback.count, 2);
  assert.equal(s.latencyMs.puback.max, 4);
  assert.deepEqual(s.connected, { min: 10, max: 12, avg: 11, last: 12 });
  assert.deepEqual(s.errorsByCause, { MQTT_CONNECT_TIMEOUT: 1 });
  assert.equal(s.reconnects, 1);
  const tl = timelineOf(snap);
  assert.equal(tl.length, 4, 'gaps are filled');
  assert.deepEqual(
    tl.map((p) => p.sent),
    [3, 1, 0, 0],
  );
  assert.deepEqual(
    tl.map((p) => p.connected),
    [10, 12, null, null],
  );
  assert.equal(tl[1]?.latencyMs.puback.p99, 4);
  const window = summarize(snap, { fromMs: 1000, toMs: 2000 });
  assert.equal(window.messages.sent, 1);
  assert.equal(window.durationMs, 1000);
});

test('snapshots are plain data and merge: counters and histograms add, aligned on wall-clock time', () => {
  const a = new MetricsCollector({ startEpochMs: 10_000 });
  const b = new MetricsCollector({ startEpochMs: 12_000 }); // started 2 s later
  for (let i = 0; i < 100; i++) a.latency(i * 10, 'e2e', (i + 1) * 100);
  for (let i = 0; i < 100; i++) b.latency(i * 10, 'e2e', (i + 101) * 100);
  a.sent(0, 'telemetry', 5);
  b.sent(0, 'telemetry', 7);
  a.connected(2500, 40);
  b.connected(500, 60);
  a.received(100, 'telemetry', 'A', 1);
  a.received(200, 'telemetry', 'A', 3);
  b.received(100, 'telemetry', 'B', 1);
  const merged = mergeCollectorSnapshots([structuredClone(a.snapshot()), JSON.parse(JSON.stringify(b.snapshot()))]);
  assert.deepEqual(
    merged.buckets.map((x) => x.i),
    [0, 2],
  );
  assert.equal(merged.buckets[0]?.sent.telemetry, 5);
  assert.equal(merged.buckets[1]?.sent.telemetry, 7);
  assert.equal(merged.buckets[1]?.connected, 100, 'connected cars add');
  const s = summarize(merged);
  assert.equal(s.latencyMs.e2e.count, 200);
  assert.ok(Math.abs(s.latencyMs.e2e.p50 - 10) < 0.1, `p50 ${s.latencyMs.e2e.p50}`);
  assert.ok(Math.abs(s.latencyMs.e2e.max - 20) < 0.2);
  assert.deepEqual(merged.seq, { cars: 2, received: 3, distinct: 3, duplicates: 0, reordered: 0, lost: 1 });
  assert.throws(() => mergeCollectorSnapshots([a.snapshot(), new MetricsCollector({ bucketMs: 500 }).snapshot()]), /500 ms buckets/);
});

test('merging one snapshot gives the same summary', () => {
  const a = new MetricsCollector();
  for (let i = 0; i < 50; i++) a.latency(i * 100, 'connect', i * 1000);
  assert.deepEqual(summarize(mergeCollectorSnapshots([a.snapshot()])), summarize(a.snapshot()));
});

test('subtracting cumulative histograms gives what was recorded in between', () => {
  const h = new Histogram();
  for (let v = 1; v <= 100; v++) h.record(v * 10);
  const earlier = h.serialize();
  for (let v = 1; v <= 50; v++) h.record(5000 + v);
  const diff = subtractHistogram(h.serialize(), earlier);
  assert.equal(diff.count, 50);
  const d = Histogram.deserialize(diff);
  assert.ok(d.min >= 5001 * (1 - 1 / 128) && d.min <= 5001, `min ${d.min} (within the histogram precision)`);
  assert.ok(d.max <= 5050 && d.max >= 5000, `max ${d.max}`);
  assert.equal(
    diff.sum,
    Array.from({ length: 50 }, (_, i) => 5001 + i).reduce((x, y) => x + y, 0),
  );
  assert.equal(subtractHistogram(earlier, earlier).count, 0);
});

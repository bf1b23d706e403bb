/** The hop histograms on a registry, the consumer-side stamps, the bench's parse of /metrics, and the panel's headline. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { HopMetrics } from '../../../backend/metrics/hop-metrics.js';
import { LATENCY_OF_CONSUMED, LATENCY_OF_FEED, SystemMeter } from '../../../backend/dashboard/system-meter.js';
import { hopStats, parseHopScrape, waterfallSvg } from '../../../bench/lib/hop-figures.js';

test('a consumed record stamps the broker, Kafka and consumed hops, live and stored apart, in /metrics', async () => {
  const registry = new Registry();
  const hops = new HopMetrics(registry, 1000);
  const record = { headers: { 'v2x-received-at': '1002' }, timestamp: 1006 };
  assert.equal(hops.consumed('geofencing', record, 1000, 1010), 'live');
  assert.equal(hops.consumed('geofencing', { headers: {}, timestamp: 0 }, 1000, 9000), 'stored');
  const text = await registry.metrics();
  const scrape = parseHopScrape(text);
  const empty = new Map();
  assert.equal(hopStats(empty, scrape, 'broker', 'geofencing')?.n, 1);
  assert.equal(hopStats(empty, scrape, 'kafka', 'geofencing')?.n, 1);
  assert.equal(hopStats(empty, scrape, 'consumed', 'geofencing')?.n, 1);
  assert.equal(hopStats(empty, scrape, 'consumed', 'geofencing', 'stored')?.n, 1);
  const consumed = hopStats(empty, scrape, 'consumed', 'geofencing');
  assert.ok(consumed !== undefined && consumed.p50_ms > 8 && consumed.p50_ms <= 10, JSON.stringify(consumed));
  // the panel's window has the V2X path's live hops only
  const { rows, stored } = hops.window.take();
  assert.deepEqual(
    rows.map((r) => r.hop),
    ['broker', 'kafka', 'consumed'],
  );
  assert.equal(stored, 1);
});

test('the bulk consumers (traffic, the dashboard feed) stay out of the panel window', () => {
  const hops = new HopMetrics(new Registry());
  hops.observe('consumed', 'traffic', { carTs: 0, at: 100 });
  assert.deepEqual(hops.window.take().rows, []);
});

test("the panel's live p99 is the consumed hop when this process sees it, else the feed's live latencies", () => {
  const meter = new SystemMeter(0, () => 0.5);
  meter.message(40);
  meter.message(60_000); // a backlog: not sampled
  const feed = meter.take(1000, { kafkaLag: 0, connectedCars: 1 });
  assert.equal(feed.latencyP99Ms, 40);
  assert.equal(feed.latencyOf, LATENCY_OF_FEED);
  meter.message(40);
  const rows = [{ hop: 'consumed' as const, label: 'x', n: 5, p50Ms: 8, p99Ms: 12, stepP50Ms: 1 }];
  const path = meter.take(2000, { kafkaLag: 0, connectedCars: 1, hops: { rows, stored: 3 } });
  assert.equal(path.latencyP99Ms, 12);
  assert.equal(path.latencyOf, LATENCY_OF_CONSUMED);
  assert.equal(path.stored, 3);
  assert.deepEqual(path.hops, [{ hop: 'consumed', label: 'x', n: 5, p50Ms: 8, p99Ms: 12 }]);
});

test('the waterfall SVG has a row per hop with its figures', () => {
  const svg = waterfallSvg(
    [{ hop: 'kafka', service: 'bridge', stats: { n: 3, p50_ms: 4, p99_ms: 9.5, p999_ms: 10, max_le_ms: 10, over_1s: 0 } }],
    'title & more',
    'sub',
  );
  assert.match(svg, /^<svg /);
  assert.match(svg, /4 \| 9\.5 ms/);
  assert.match(svg, /title &amp; more/);
});

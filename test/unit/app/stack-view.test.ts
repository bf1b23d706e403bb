/** One view of a multi-process stack: metrics labelled by process and role, health of each process, restart backoff. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { renderStackMetrics, stackHealth } from '../../../app/stack-view.js';
import { restartDelay } from '../../../app/supervisor.js';
import type { MetricJson } from '../../../app/backend-process.js';

async function registry(connected: number): Promise<MetricJson[]> {
  const r = new Registry();
  new Counter({ name: 'v2x_test_total', help: 'a "test" counter', labelNames: ['topic'], registers: [r] }).inc(
    { topic: 'a\\b' },
    connected,
  );
  const h = new Histogram({ name: 'v2x_test_seconds', help: 'latency', buckets: [0.1], registers: [r] });
  h.observe(0.05);
  h.observe(1);
  return (await r.getMetricsAsJSON()) as unknown as MetricJson[];
}

test('renderStackMetrics: every series once per process, labelled, HELP and TYPE once', async () => {
  const text = renderStackMetrics([
    { process: 'edge-1', role: 'edge', metrics: await registry(3) },
    { process: 'edge-2', role: 'edge', metrics: await registry(4) },
  ]);
  const lines = text.trim().split('\n');
  assert.equal(lines.filter((l) => l === '# TYPE v2x_test_total counter').length, 1);
  assert.ok(lines.includes('v2x_test_total{topic="a\\\\b",process="edge-1",role="edge"} 3'), text);
  assert.ok(lines.includes('v2x_test_total{topic="a\\\\b",process="edge-2",role="edge"} 4'), text);
  assert.ok(lines.includes('v2x_test_seconds_bucket{le="+Inf",process="edge-2",role="edge"} 2'), text);
  assert.ok(lines.includes('v2x_test_seconds_bucket{le="0.1",process="edge-1",role="edge"} 1'), text);
  assert.ok(lines.includes('v2x_test_seconds_count{process="edge-1",role="edge"} 2'), text);
});

test('stackHealth: degraded with the processes that are not running; clients summed over the edges', () => {
  const ok = stackHealth([
    { name: 'edge-1', role: 'edge', pid: 1, state: 'running', restarts: 0, health: { clients: 10 } },
    { name: 'edge-2', role: 'edge', pid: 2, state: 'running', restarts: 1, health: { clients: 5 } },
    { name: 'services', role: 'services', pid: 3, state: 'running', restarts: 0, health: { clients: 0 } },
  ]);
  assert.equal(ok.status, undefined);
  assert.equal(ok.clients, 15);
  const bad = stackHealth([
    { name: 'edge-1', role: 'edge', pid: undefined, state: 'restarting', restarts: 2, error: 'restarting' },
    { name: 'services', role: 'services', pid: 3, state: 'running', restarts: 0, health: {} },
  ]);
  assert.equal(bad.status, 'degraded');
  assert.deepEqual(bad.down, ['edge-1']);
});

test('restartDelay: doubles from the base, capped', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 10].map((n) => restartDelay(n, 500, 5000)),
    [500, 1000, 2000, 4000, 5000],
  );
});

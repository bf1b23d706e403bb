import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import { planStages } from '../../../loadtest/scenario/stages.js';
import { buildReport, readReport, reportProblems, stringifyReport } from '../../../loadtest/report/json.js';
import { liveStatusOf, liveView, statusLine } from '../../../loadtest/report/live.js';
import { comparisonTable } from '../../../loadtest/report/compare.js';
import { summaryTable } from '../../../loadtest/report/summary-table.js';
import { REPORT_SCHEMA_VERSION } from '../../../loadtest/report/schema.js';
import { syntheticCollector, syntheticReport, unitScenario } from './fixtures.js';

test('the JSON report conforms to its schema and round-trips', () => {
  const r = syntheticReport();
  assert.deepEqual(reportProblems(r), []);
  assert.equal(r.schemaVersion, REPORT_SCHEMA_VERSION);
  assert.equal(r.tool, 'v2x-loadtest');
  assert.deepEqual(Object.keys(r), ['schemaVersion', 'tool', 'scenario', 'broker', 'run', 'summary', 'thresholds', 'result', 'timeline']);
  assert.equal(r.run.durationMs, 60_000);
  assert.equal(r.run.startedAt, '2026-11-25T01:00:00.000Z');
  assert.equal(r.timeline.length, 60);
  assert.equal(r.thresholds.length, 4);
  assert.equal(r.result.pass, true);
  assert.equal(r.result.exitCode, 0);
  assert.deepEqual(readReport(stringifyReport(r), 'r.json'), r);
});

test('a failing threshold makes the report fail with exit code 99', () => {
  const r = syntheticReport({ slow: 20 });
  assert.equal(r.result.pass, false);
  assert.equal(r.result.exitCode, 99);
  const failed = r.thresholds.filter((t) => !t.pass).map((t) => t.expression);
  assert.deepEqual(failed, ['puback_latency.p99 < 50ms']);
});

test('an aborted run and a ramp-to-break verdict are recorded', () => {
  const start = 0;
  const r = buildReport({
    scenario: unitScenario(),
    broker: { name: 'b', url: 'mqtt://b:1883' },
    startedAtMs: start,
    endedAtMs: 20_000,
    metrics: syntheticCollector({ seconds: 20 }).snapshot(),
    aborted: { atMs: 15_000, threshold: 'connect_time.p99 < 500ms' },
    rampToBreak: {
      kind: 'done',
      lastHeld: 2000,
      brokeAt: 3000,
      failed: ['x'],
      levels: [
        { cars: 2000, pass: true, failed: [] },
        { cars: 3000, pass: false, failed: ['x'] },
      ],
    },
  });
  assert.deepEqual(reportProblems(r), []);
  assert.deepEqual(r.result.aborted, { atMs: 15_000, threshold: 'connect_time.p99 < 500ms' });
  assert.equal(r.rampToBreak?.lastHeld, 2000);
  assert.equal(r.result.exitCode, 0, 'ramp-to-break: a level held');
  assert.match(summaryTable(r), /ramp to break: last level that held 2,000 cars; broke at 3,000 cars on x/);
});

test('reports of another schema version or shape are refused', () => {
  assert.throws(
    () => readReport('{', 'a.json'),
    (e: unknown) => isV2xError(e, 'LOADTEST_REPORT_INVALID') && /a.json: not JSON/.test(e.message),
  );
  assert.throws(() => readReport('{"schemaVersion":2}', 'b.json'), /schemaVersion 2, expected 1/);
  const broken = { ...syntheticReport(), timeline: 'none' };
  assert.throws(() => readReport(JSON.stringify(broken), 'c.json'), /c.json: \/timeline/);
});

test('the summary table lists every latency with percentiles and marks thresholds', () => {
  const text = summaryTable(syntheticReport({ slow: 20 }));
  assert.match(text, /latency\s+avg\s+p50\s+p90\s+p95\s+p99\s+max\s+count/);
  assert.match(text, /^ {2}connect_time\s+\S+ms/m);
  assert.match(text, /^ {2}puback_latency\s+/m);
  assert.match(text, /^ {2}e2e_latency\s+/m);
  assert.match(text, /✗ puback_latency.p99 < 50ms\s+observed \d+(\.\d+)?ms/);
  assert.match(text, /✓ loss == 0\s+observed 0/);
  assert.match(text, /✓ connect_time.p99 < 500ms\s+observed [\d.]+ms\s+\(abortOnFail\)/);
  assert.match(text, /errors\s+2\s+\S+%\s+MQTT_KEEPALIVE_TIMEOUT 2/);
  assert.match(text, /✗ FAIL \(exit 99\)/);
  assert.ok(!text.includes(`${String.fromCharCode(27)}[`), 'no colour codes');
});

test('live status: one CI line a second and a compact TTY view', () => {
  const sc = unitScenario();
  const plan = planStages(sc);
  const snap = syntheticCollector().snapshot();
  const s = liveStatusOf(snap, 30_500, { point: plan(30_500), stages: sc.stages.length, totalMs: sc.totalMs }, ['loss == 0']);
  assert.equal(s.connected, 100);
  assert.equal(s.targetCars, 100);
  assert.equal(s.stage, 2);
  assert.equal(s.perSecond.sent, 100);
  assert.ok(s.p99Ms.puback !== null && s.p99Ms.puback > 1);
  const line = statusLine(s);
  assert.ok(!line.includes('\n'));
  assert.match(
    line,
    /^\[30s\/1m\] stage 2\/3 cars 100\/100 \| sent 100\/s acked 100\/s recv 100\/s \| p99 puback [\d.]+ms e2e [\d.]+ms connect - \| err 2 reconn 2 lost 0 \| ✗ loss == 0$/,
  );
  const view = liveView(s, 80);
  const lines = view.split('\n');
  assert.equal(lines.length, 6);
  for (const l of lines) assert.ok([...l].length <= 80, l);
  assert.match(view, /failing {4}✗ loss == 0/);
});

test('comparison table: one column per run, thresholds matched by expression', () => {
  const text = comparisonTable([syntheticReport({ broker: 'mosquitto' }), syntheticReport({ broker: 'aedes', slow: 20 })]);
  assert.match(text, /1\. mosquitto\s+2\. aedes/);
  assert.match(text, /puback_latency.p99 < 50ms\s+✓ [\d.]+ms\s+✗ [\d.]+ms/);
  assert.match(text, /result\s+✓ pass \(0\)\s+✗ fail \(99\)/);
});

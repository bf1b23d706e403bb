import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import { summarize } from '../../../loadtest/metrics/summary.js';
import {
  abortingThreshold,
  evaluateThreshold,
  formatObserved,
  metricValue,
  type ThresholdSpec,
} from '../../../loadtest/thresholds/evaluate.js';
import { parseThreshold } from '../../../loadtest/thresholds/parse.js';
import { syntheticCollector } from './fixtures.js';

test('threshold expressions parse into metric, stat, op and a normalised bound', () => {
  const p99 = 'connect_time.p99 < 500ms';
  assert.deepEqual(parseThreshold(p99), { source: p99, metric: 'connect_time', stat: 'p99', op: '<', value: 500 });
  assert.equal(parseThreshold('puback_latency.p99.9<=0.05s').value, 50);
  assert.equal(parseThreshold('puback_latency.p99.9<=0.05s').stat, 'p99.9');
  assert.equal(parseThreshold('e2e_latency.avg > 250us').value, 0.25);
  assert.equal(parseThreshold('e2e_latency.max >= 2').value, 2);
  assert.deepEqual(parseThreshold('  loss == 0 '), { source: 'loss == 0', metric: 'loss', stat: 'count', op: '==', value: 0 });
  assert.equal(parseThreshold('errors.rate < 0.1%').value, 0.001);
  assert.equal(parseThreshold('errors.rate < 0.001').value, 0.001);
  assert.equal(parseThreshold('connected.min != 1e3').value, 1000);
  assert.equal(parseThreshold('connected >= 100').stat, 'last');
  assert.equal(parseThreshold('received.rate > 1000').stat, 'rate');
  for (const op of ['<', '<=', '>', '>=', '==', '!='] as const) assert.equal(parseThreshold(`sent ${op} 5`).op, op);
});

const badCases: [string, number, RegExp][] = [
  ['', 1, /expected a metric name/],
  ['latency.p99 < 5ms', 1, /unknown metric "latency"/],
  ['connect_time < 5ms', 13, /needs a stat, e.g. connect_time.p99/],
  ['connect_time.p42 < 5ms', 14, /"p42" is not a stat of connect_time \(allowed: p50, p90, p95, p99, p99.9/],
  ['loss.p99 < 1', 6, /not a stat of loss \(allowed: count, rate\)/],
  ['loss = 0', 6, /expected an operator \(< <= > >= == !=\)/],
  ['loss == abc', 9, /expected a number/],
  ['connect_time.p99 < 5parsecs', 21, /unknown unit "parsecs"/],
  ['loss < 5ms', 9, /time unit applies to latency stats only/],
  ['loss < 5%', 9, /% applies to the rate/],
  ['connect_time.p99 < 5%', 21, /% applies to the rate/],
  ['loss == 0 and more', 11, /unexpected "and more"/],
];

for (const [expr, column, message] of badCases) {
  test(`bad threshold ${JSON.stringify(expr)} names the expression and column ${column}`, () => {
    assert.throws(
      () => parseThreshold(expr),
      (e: unknown) => {
        assert.ok(isV2xError(e, 'THRESHOLD_INVALID'));
        assert.equal(e.details.column, column);
        assert.equal(e.details.expression, expr);
        assert.match(e.message, message);
        assert.ok(e.message.includes(JSON.stringify(expr)));
        assert.ok(e.message.includes(`${' '.repeat(column - 1)}^`), 'a caret under the column');
        return true;
      },
    );
  });
}

const spec = (text: string, abortOnFail = false, abortDelayMs = 0): ThresholdSpec => ({
  expr: parseThreshold(text),
  abortOnFail,
  abortDelayMs,
});

test('thresholds evaluate against a summary: pass and fail, with the observed value', () => {
  const summary = summarize(syntheticCollector().snapshot(), { durationMs: 60_000 });
  const p99 = summary.latencyMs.puback.p99;
  assert.ok(p99 > 5 && p99 < 6, `p99 ${p99}`);
  const pass = evaluateThreshold(spec('puback_latency.p99 < 50ms'), summary);
  assert.equal(pass.pass, true);
  assert.equal(pass.observed, p99);
  assert.equal(pass.unit, 'ms');
  const fail = evaluateThreshold(spec('puback_latency.p99 < 5ms'), summary);
  assert.equal(fail.pass, false);
  assert.equal(fail.observed, p99);
  assert.equal(evaluateThreshold(spec('loss == 0'), summary).pass, true);
  assert.equal(evaluateThreshold(spec('duplicates == 0'), summary).pass, true);
  const errors = evaluateThreshold(spec('errors.rate < 0.1%'), summary);
  assert.equal(errors.observed, 2 / (summary.messages.sent + summary.connectAttempts));
  assert.equal(errors.pass, true);
  assert.equal(evaluateThreshold(spec('errors == 0'), summary).pass, false);
  assert.equal(evaluateThreshold(spec('connected.max >= 100'), summary).pass, true);
  assert.equal(evaluateThreshold(spec('connected.max > 100'), summary).pass, false);
  assert.equal(metricValue(summary, 'sent', 'rate'), summary.messages.sent / 60);
  assert.equal(evaluateThreshold(spec('connect_time.count == 100'), summary).pass, true);
  assert.equal(evaluateThreshold(spec('reconnects.count != 0'), summary).pass, true);
});

test('loss and duplicates fail the thresholds that forbid them', () => {
  const c = syntheticCollector({ seconds: 20 });
  for (const seq of [1, 2, 8, 8]) c.received(20_000, 'telemetry', 'VIN-EXTRA', seq); // 3..7 lost, 8 twice
  const summary = summarize(c.snapshot());
  assert.equal(summary.sequence.lost, 5);
  const loss = evaluateThreshold(spec('loss == 0'), summary);
  assert.deepEqual([loss.pass, loss.observed], [false, 5]);
  assert.equal(evaluateThreshold(spec('loss.rate < 1%'), summary).pass, true);
  assert.equal(evaluateThreshold(spec('duplicates == 0'), summary).pass, false);
});

test('abortOnFail waits for its delay, then names the failing threshold', () => {
  const summary = summarize(syntheticCollector({ slow: 20 }).snapshot());
  const specs = [spec('loss == 0', true), spec('puback_latency.p99 < 50ms', true, 30_000), spec('errors == 0')];
  assert.equal(abortingThreshold(specs, summary, 10_000), undefined);
  assert.equal(abortingThreshold(specs, summary, 30_000)?.expression, 'puback_latency.p99 < 50ms');
  assert.equal(abortingThreshold([spec('errors == 0')], summary, 60_000), undefined, 'not abortOnFail');
});

test('observed values format with their unit', () => {
  assert.equal(formatObserved(12.345, 'ms'), '12.35ms');
  assert.equal(formatObserved(1500, 'ms'), '1.5s');
  assert.equal(formatObserved(0.0005, 'ratio'), '0.05%');
  assert.equal(formatObserved(1234, 'count'), '1,234');
  assert.equal(formatObserved(Number.NaN, 'count'), 'n/a');
});

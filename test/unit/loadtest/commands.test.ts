/**
 * The remote commands of a load test (profile.commands) and the Kafka probe's target: pacing, the
 * command tracker (targets, outcomes, latencies, timeouts), the requests sent, the collector and
 * summary figures, thresholds on them, the report, and the scenario fields they read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import { validators } from '../../../protocol/messages.js';
import { completeVin } from '../../../protocol/vin.js';
import { COMMAND_TYPES } from '../../../protocol/schemas/commands.js';
import { Rng } from '../../../core/random.js';
import { commandsDue } from '../../../loadtest/commands/pacing.js';
import { loadtestCommandRequest } from '../../../loadtest/commands/request.js';
import { CommandTracker } from '../../../loadtest/commands/tracker.js';
import { mergeCollectorSnapshots, MetricsCollector } from '../../../loadtest/metrics/collector.js';
import { summarize } from '../../../loadtest/metrics/summary.js';
import { buildReport, readReport, stringifyReport } from '../../../loadtest/report/json.js';
import { htmlReport } from '../../../loadtest/report/html.js';
import { liveStatusOf, statusLine } from '../../../loadtest/report/live.js';
import { summaryTable } from '../../../loadtest/report/summary-table.js';
import { brokerTargets } from '../../../loadtest/runner/brokers.js';
import { kafkaProbeTarget } from '../../../loadtest/runner/kafka-probe.js';
import { planStages } from '../../../loadtest/scenario/stages.js';
import { evaluateThreshold, metricValue } from '../../../loadtest/thresholds/evaluate.js';
import { parseThreshold } from '../../../loadtest/thresholds/parse.js';
import { scenarioDoc, unitScenario } from './fixtures.js';

const VINS = [1, 2, 3].map((i) => completeVin(`1V2XT0S0XNA00000${i}`));

function tracker(timeoutMs = 1000, types: readonly string[] = ['lock']): { t: CommandTracker; c: MetricsCollector } {
  const c = new MetricsCollector();
  return { t: new CommandTracker({ types, timeoutMs, rng: new Rng('unit'), sink: c, idPrefix: 'lt' }), c };
}

test('commandsDue: floor(rate x t) by any time, however the time is sliced', () => {
  assert.equal(commandsDue(10, 0, 1000), 10);
  assert.equal(commandsDue(0, 0, 1000), 0);
  assert.equal(commandsDue(10, 500, 500), 0);
  for (const rate of [0.5, 3, 7.3, 200]) {
    let sent = 0;
    let t = 0;
    for (const step of [13, 100, 1, 250, 99, 537, 1000, 2]) {
      sent += commandsDue(rate, t, t + step);
      t += step;
    }
    assert.equal(sent, Math.floor((rate * t) / 1000), `rate ${rate}`);
  }
});

test('the tracker sends to online cars only, one command in flight per car, else noTarget', () => {
  const { t, c } = tracker();
  assert.equal(t.next(0), undefined, 'nobody online');
  t.status(VINS[0]!, true);
  t.status(VINS[1]!, true);
  t.status(VINS[1]!, true); // a repeated birth is one car
  assert.equal(t.onlineCars, 2);
  const a = t.next(10);
  const b = t.next(20);
  assert.ok(a !== undefined && b !== undefined);
  assert.notEqual(a.vin, b.vin, 'a busy car is not picked again');
  assert.notEqual(a.commandId, b.commandId);
  assert.equal(a.type, 'lock');
  assert.equal(t.next(30), undefined, 'both busy');
  t.status(VINS[0]!, false);
  assert.equal(t.onlineCars, 1);
  const s = summarize(c.snapshot()).commands;
  assert.equal(s.sent, 2);
  assert.equal(s.noTarget, 2);
});

test('outcomes and latencies: delivered then succeeded, a direct rejection, timeouts, offline cars, late and foreign answers', () => {
  const { t, c } = tracker(1000);
  for (const v of VINS) t.status(v, true);
  const a = t.next(0)!;
  const b = t.next(0)!;
  const d = t.next(0)!;
  t.answer(a.commandId, 'delivered', 12); // round trip 12 ms
  t.answer(a.commandId, 'succeeded', 700); // done after 700 ms
  t.answer(b.commandId, 'rejected', 20); // first answer is the final one
  t.answer('someone-elses-command', 'succeeded', 30); // ignored
  t.status(d.vin, false); // its car went away
  assert.equal(t.pending, 1);
  t.sweep(999);
  assert.equal(t.pending, 1, 'not yet timed out');
  t.sweep(1000);
  assert.equal(t.pending, 0);
  t.answer(d.commandId, 'succeeded', 1500); // too late
  const s = summarize(c.snapshot());
  assert.deepEqual(s.commands, {
    sent: 3,
    delivered: 1,
    succeeded: 1,
    failed: 0,
    rejected: 1,
    timedOut: 0,
    offline: 1,
    late: 1,
    noTarget: 0,
  });
  assert.equal(s.latencyMs.command.count, 2);
  assert.ok(Math.abs(s.latencyMs.command.min - 12) < 0.2 && Math.abs(s.latencyMs.command.max - 20) < 0.2);
  assert.equal(s.latencyMs.commandDone.count, 2);
  assert.ok(Math.abs(s.latencyMs.commandDone.max - 700) < 6);

  const { t: t2, c: c2 } = tracker(1000);
  t2.status(VINS[0]!, true);
  t2.status(VINS[1]!, true);
  const x = t2.next(0)!;
  t2.answer(x.commandId, 'delivered', 5);
  t2.next(100);
  t2.status(VINS[0]!, false);
  t2.status(VINS[1]!, false);
  t2.expireOffline(200); // the fleet stops: commands to cars gone are settled at once
  assert.equal(t2.pending, 0);
  t2.finish(300);
  assert.equal(summarize(c2.snapshot()).commands.offline, 2);

  const { t: t3, c: c3 } = tracker(1000);
  t3.status(VINS[0]!, true);
  t3.next(0);
  t3.finish(10);
  assert.equal(summarize(c3.snapshot()).commands.timedOut, 1, 'pending at the end = timed out');
});

test('the tracker picks types and cars from its seed: the same run twice sends the same commands', () => {
  const run = (): string[] => {
    const { t } = tracker(10, ['lock', 'unlock', 'honk']);
    for (const v of VINS) t.status(v, true);
    const out: string[] = [];
    for (let i = 0; i < 20; i++) {
      const n = t.next(i * 100);
      if (n !== undefined) {
        out.push(`${n.vin}:${n.type}`);
        t.answer(n.commandId, 'succeeded', i * 100 + 5);
      }
    }
    return out;
  };
  const a = run();
  assert.equal(a.length, 20);
  assert.deepEqual(a, run());
  assert.ok(new Set(a.map((s) => s.split(':')[1])).size > 1, 'several types');
});

test('every catalogue type gives a valid request whose TTL is the timeout', () => {
  for (const type of COMMAND_TYPES) {
    const r = loadtestCommandRequest({ commandId: 'lt-1', vin: VINS[0]!, type }, 1_000_000, 10_000);
    assert.ok(validators.commandRequest.validate(r).ok, type);
    assert.equal(r.expiresAt - r.issuedAt, 10_000);
  }
  assert.throws(
    () => loadtestCommandRequest({ commandId: 'lt-1', vin: VINS[0]!, type: 'teleport' }, 0, 1),
    (e: unknown) => isV2xError(e, 'COMMAND_UNKNOWN'),
  );
});

test('collector snapshots merge command outcomes; the timeline counts commands sent', () => {
  const a = new MetricsCollector({ startEpochMs: 0 });
  const b = new MetricsCollector({ startEpochMs: 0 });
  a.command(100, 'sent', 2);
  b.command(150, 'sent');
  b.command(1200, 'timedOut');
  b.latency(150, 'command', 5000);
  const m = mergeCollectorSnapshots([a.snapshot(), b.snapshot()]);
  const s = summarize(m);
  assert.equal(s.commands.sent, 3);
  assert.equal(s.commands.timedOut, 1);
  assert.equal(s.latencyMs.command.count, 1);
});

test('command thresholds: parse, units, and values over the resolved commands', () => {
  const rate = 'commands.timeout_rate < 1%';
  assert.deepEqual(parseThreshold(rate), { source: rate, metric: 'commands', stat: 'timeout_rate', op: '<', value: 0.01 });
  assert.equal(parseThreshold('command_latency.p99 < 0.5s').value, 500);
  assert.equal(parseThreshold('commands > 100').stat, 'count');
  assert.throws(() => parseThreshold('commands.p99 < 1'), /not a stat of commands/);
  assert.throws(() => parseThreshold('commands.rate < 1%'), /% applies/);
  const c = new MetricsCollector();
  c.command(0, 'sent', 100);
  c.command(0, 'delivered', 98);
  c.command(0, 'succeeded', 90);
  c.command(0, 'rejected', 4);
  c.command(0, 'failed', 2);
  c.command(0, 'timedOut', 3);
  c.command(0, 'offline', 1);
  c.command(0, 'noTarget', 7);
  for (let i = 1; i <= 100; i++) c.latency(0, 'command', i * 1000);
  const s = summarize(c.snapshot(), { durationMs: 10_000 });
  assert.equal(metricValue(s, 'commands', 'count'), 100);
  assert.equal(metricValue(s, 'commands', 'rate'), 10);
  assert.equal(metricValue(s, 'commands', 'success_rate'), 0.9);
  assert.equal(metricValue(s, 'commands', 'timeout_rate'), 0.03);
  assert.equal(metricValue(s, 'commands', 'offline_rate'), 0.01);
  const spec = (e: string) => ({ expr: parseThreshold(e), abortOnFail: false, abortDelayMs: 0 });
  assert.equal(evaluateThreshold(spec('commands.timeout_rate < 1%'), s).pass, false);
  assert.equal(evaluateThreshold(spec('commands.timeout_rate < 5%'), s).unit, 'ratio');
  assert.equal(evaluateThreshold(spec('command_latency.p99 < 120ms'), s).pass, true);
  assert.equal(evaluateThreshold(spec('command_latency.p99 < 90ms'), s).pass, false);
  // no commands at all: rates are 0, not NaN
  assert.equal(metricValue(summarize(new MetricsCollector().snapshot()), 'commands', 'timeout_rate'), 0);
});

test('the report carries the command figures: JSON per schema, summary table, HTML, live line', () => {
  const sc = unitScenario({ thresholds: ['commands.timeout_rate < 1%', 'command_latency.p99 < 500ms'] });
  const c = new MetricsCollector({ startEpochMs: Date.UTC(2026, 10, 25) });
  for (let s = 0; s < 5; s++) {
    c.connected(s * 1000, 10);
    c.command(s * 1000, 'sent', 10);
    c.command(s * 1000 + 5, 'delivered', 10);
    c.command(s * 1000 + 500, 'succeeded', 10);
    for (let k = 0; k < 10; k++) c.latency(s * 1000 + 5, 'command', 4000 + k * 100);
    for (let k = 0; k < 10; k++) c.latency(s * 1000 + 500, 'commandDone', 450_000);
  }
  const report = buildReport({
    scenario: sc,
    broker: { name: 'local', url: 'mqtt://127.0.0.1:1883' },
    startedAtMs: c.startEpochMs,
    endedAtMs: c.startEpochMs + 5000,
    metrics: c.snapshot(),
  });
  const back = readReport(stringifyReport(report));
  assert.equal(back.summary.commands?.sent, 50);
  assert.equal(back.summary.commands?.succeeded, 50);
  assert.equal(back.summary.latencyMs.command?.count, 50);
  assert.equal(back.timeline[0]?.commands, 10);
  assert.ok(back.thresholds.every((t) => t.pass));
  assert.equal(back.result.exitCode, 0);
  const table = summaryTable(back);
  assert.match(table, /command_latency\s/);
  assert.match(table, /command_duration\s/);
  assert.match(table, /commands\s+50\s+10\/s\s+delivered 50, succeeded 50/);
  const html = htmlReport(back);
  assert.match(html, /Remote commands/);
  assert.match(html, /command p99/);
  const line = statusLine(liveStatusOf(c.snapshot(), 5000, { point: planStages(sc)(5000), stages: 3, totalMs: sc.totalMs }));
  assert.match(line, /\| cmd 50 p99 4\.\d+ms timed out 0/);

  // a run without commands prints no command rows
  const plain = summaryTable(readReport(stringifyReport(buildReport({ ...reportInputWithout(), scenario: unitScenario() }))));
  assert.doesNotMatch(plain, /command/);
});

function reportInputWithout(): Parameters<typeof buildReport>[0] {
  const c = new MetricsCollector({ startEpochMs: 0 });
  c.connected(0, 1);
  return { scenario: unitScenario(), broker: { name: 'b', url: 'mqtt://b:1' }, startedAtMs: 0, endedAtMs: 1000, metrics: c.snapshot() };
}

test('scenario: a service account per broker, Kafka for the Kafka probe, and what is refused', () => {
  const sc = unitScenario({
    brokers: [{ name: 'local', url: 'mqtt://127.0.0.1:1883', service: { username: 'lt', password: 'secret-1' } }],
    profile: { commands: { perSecond: 10, types: ['lock', 'honk'], timeout: '5s' }, e2e: { probe: 'kafka', kafka: { topicPrefix: 'x.' } } },
  });
  assert.deepEqual(sc.brokers[0]?.service, { username: 'lt', password: 'secret-1' });
  assert.deepEqual(sc.profile.commands, { perSecond: 10, types: ['lock', 'honk'], timeoutMs: 5000 });
  // --broker values inherit the first broker's service account
  assert.deepEqual(
    brokerTargets(sc, ['embedded', 'mqtt://10.0.0.1:1883']).map((b) => b.service?.username),
    ['lt', 'lt'],
  );

  assert.deepEqual(kafkaProbeTarget(sc, { brokers: ['k:9092'], topicPrefix: 'ignored.' }), { brokers: ['k:9092'], topic: 'x.telemetry' });
  const own = unitScenario({ profile: { e2e: { probe: 'kafka', kafka: { brokers: ['a:1', 'b:2'] } } } });
  assert.deepEqual(kafkaProbeTarget(own, { brokers: ['k:9092'], topicPrefix: 'p.' }), { brokers: ['a:1', 'b:2'], topic: 'p.telemetry' });
  assert.equal(kafkaProbeTarget(unitScenario(), undefined), undefined, 'the subscriber probe needs no Kafka');
  assert.throws(
    () => kafkaProbeTarget(unitScenario({ profile: { e2e: { probe: 'kafka' } } }), { brokers: [], topicPrefix: '' }),
    (e: unknown) =>
      isV2xError(e, 'SCENARIO_INVALID') &&
      e.exitCode === 2 &&
      /profile\.e2e\.kafka\.brokers: probe "kafka" needs Kafka brokers/.test(e.message),
  );

  const problems = (doc: Record<string, unknown>): string[] => {
    try {
      unitScenario(doc);
    } catch (err) {
      if (!isV2xError(err, 'SCENARIO_INVALID')) throw err;
      return (err.details as { problems: { field: string }[] }).problems.map((p) => p.field);
    }
    return [];
  };
  assert.deepEqual(problems({ profile: { e2e: { probe: 'subscriber', kafka: { brokers: ['a:1'] } } } }), ['profile.e2e.kafka']);
  assert.ok(
    problems({ profile: { e2e: { probe: 'kafka', kafka: { brokers: ['no-port'] } } } })[0]?.startsWith('profile.e2e.kafka.brokers'),
  );
  assert.ok(problems({ brokers: [{ url: 'mqtt://a:1', service: { username: 'u' } }] })[0]?.startsWith('brokers[0].service'));
  assert.deepEqual(problems({ profile: { commands: { perSecond: 1, types: ['teleport'] } } }), ['profile.commands.types[0]']);
  assert.ok(scenarioDoc()); // the fixture stays valid
});

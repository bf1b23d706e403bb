/**
 * The pure parts of the load-test runner: chaos events due in a window, loss with the tail,
 * `--broker` values, the fleet's cumulative stats turned into per-second collector entries, the
 * probe's payload reading and sampling, the CI status output, and the simulator hooks the runner
 * drives (the coordinator's split of active cars over its units, the schedule's seek on a rate change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { isV2xError } from '../../../core/errors.js';
import { encode } from '../../../protocol/codec/index.js';
import { telemetryExamples } from '../../../protocol/examples.js';
import { MetricsCollector } from '../../../loadtest/metrics/collector.js';
import { Histogram } from '../../../core/histogram.js';
import { summarize } from '../../../loadtest/metrics/summary.js';
import { brokerTargets } from '../../../loadtest/runner/brokers.js';
import { chaosDue } from '../../../loadtest/runner/chaos.js';
import { feedFleetStats } from '../../../loadtest/runner/fleet-feed.js';
import { liveOutput } from '../../../loadtest/runner/live-output.js';
import { readTelemetry } from '../../../loadtest/runner/telemetry-observer.js';
import { probedVins } from '../../../loadtest/runner/sampling.js';
import { tailLoss } from '../../../loadtest/runner/tail-loss.js';
import { workersFor } from '../../../loadtest/runner/sim-settings.js';
import { MqttStats } from '../../../mqtt/stats.js';
import { emptyCounters } from '../../../simulator/runtime/counters.js';
import { Coordinator } from '../../../simulator/runtime/coordinator.js';
import type { ParentToUnit, UnitStats } from '../../../simulator/runtime/messages.js';
import { PhaseSchedule } from '../../../simulator/runtime/schedule.js';
import type { LiveStatus } from '../../../loadtest/report/live.js';
import { unitScenario } from './fixtures.js';

test('chaos events fall due once, in their window, in time order', () => {
  const sc = unitScenario({
    chaos: {
      connectionDrops: [{ at: '30s', percent: 50 }],
      brokerRestarts: [{ at: '20s', command: 'true', timeout: '5s' }],
    },
  });
  assert.deepEqual(chaosDue(sc.chaos, 0, 19_999), []);
  assert.deepEqual(
    chaosDue(sc.chaos, 0, 40_000).map((e) => e.kind),
    ['restart', 'drop'],
  );
  assert.deepEqual(chaosDue(sc.chaos, 29_900, 30_000), []);
  assert.deepEqual(chaosDue(sc.chaos, 30_000, 30_100), [{ kind: 'drop', atMs: 30_000, percent: 50 }]);
});

test('loss counts the tail: telemetry published but never seen by the probe', () => {
  const seq = { cars: 2, received: 10, distinct: 10, duplicates: 0, reordered: 0, lost: 1 };
  assert.equal(tailLoss(seq, 14).lost, 4);
  assert.equal(tailLoss(seq, 10).lost, 1, 'never less than the gaps');
});

test('--broker values: URLs, embedded, mosquitto; unique names; bad values refused by name', () => {
  const sc = unitScenario();
  assert.deepEqual(
    brokerTargets(sc, []).map((b) => b.name),
    ['local'],
  );
  const t = brokerTargets(sc, ['embedded', 'mosquitto', 'mqtt://10.0.0.1:1883', 'mqtt://10.0.0.1:1883', 'mqtt://127.0.0.1:1883']);
  assert.deepEqual(
    t.map((b) => [b.name, b.url]),
    [
      ['aedes', 'embedded'],
      ['mosquitto', 'mosquitto'],
      ['10.0.0.1:1883', 'mqtt://10.0.0.1:1883'],
      ['10.0.0.1:1883-2', 'mqtt://10.0.0.1:1883'],
      ['local', 'mqtt://127.0.0.1:1883'],
    ],
  );
  assert.throws(
    () => brokerTargets(sc, ['http://x:1']),
    (e: unknown) => isV2xError(e, 'CLI_USAGE') && e.message.includes('http:'),
  );
  assert.throws(
    () => brokerTargets(sc, ['aedes']),
    (e: unknown) => isV2xError(e, 'CLI_USAGE') && e.message.includes('"embedded"'),
  );
});

function stats(
  published: number,
  acked: number,
  latenciesUs: readonly number[],
  errors: Record<string, number> = {},
  disconnects = 0,
): UnitStats {
  const m = new MqttStats();
  m.acked[1] = acked;
  m.connectAttempts = 10;
  m.connects = 10;
  m.disconnects = disconnects;
  m.states.connected = 10;
  Object.assign(m.errors, errors);
  for (const us of latenciesUs) m.pubackLatencyUs.record(us);
  const sim = emptyCounters();
  sim.published.telemetry = published;
  return { mqtt: m.snapshot(), sim };
}

test('the fleet feed records what changed since the previous stats', () => {
  const c = new MetricsCollector();
  const a = stats(100, 90, [1000, 2000]);
  const b = stats(250, 240, [1000, 2000, 40_000], { MQTT_KEEPALIVE_TIMEOUT: 2 }, 1);
  feedFleetStats(c, 500, a, undefined);
  feedFleetStats(c, 1500, b, a);
  const snap = c.snapshot();
  assert.deepEqual(
    snap.buckets.map((x) => [x.sent['telemetry'], x.acked['qos1'], x.connected, x.reconnects]),
    [
      [100, 90, 10, 0],
      [150, 150, 10, 1],
    ],
  );
  const second = snap.buckets[1]!;
  assert.equal(Histogram.deserialize(second.latencyUs.puback).count, 1);
  assert.deepEqual(second.errors, { MQTT_KEEPALIVE_TIMEOUT: 2 });
  assert.equal(second.connectAttempts, 0);
  const s = summarize(snap);
  assert.equal(s.messages.sent, 250);
  assert.equal(s.latencyMs.puback.count, 3);
});

test('the probe reads vin, seq and ts from JSON and binary telemetry, and nothing else', () => {
  const t = telemetryExamples[0]!;
  for (const codec of ['json', 'binary'] as const) {
    assert.deepEqual(readTelemetry(encode('telemetry', t, codec)), { vin: t.vin, seq: t.seq, ts: t.ts }, codec);
  }
  assert.equal(readTelemetry(Buffer.from('not json')), undefined);
  assert.equal(readTelemetry(Buffer.from('{"vin":"V"}')), undefined);
});

test('probe sampling: every car at share 1, a stable share otherwise, never none', () => {
  assert.equal(probedVins('s', 1000, 1), undefined);
  const a = probedVins('s', 1000, 0.1)!;
  assert.ok(a.length > 60 && a.length < 140, `${a.length}`);
  assert.deepEqual(probedVins('s', 1000, 0.1), a);
  assert.equal(probedVins('s', 3, 0.0001)!.length, 1);
});

test('worker threads by fleet size, at most one per core', () => {
  assert.equal(workersFor(100, 2), 1);
  assert.equal(workersFor(5000, 2), 2);
  assert.equal(workersFor(50_000, 8), 8);
});

const status = (elapsedMs: number, stage: number): LiveStatus => ({
  elapsedMs,
  totalMs: 60_000,
  stage,
  stages: 3,
  targetCars: 10,
  connected: 10,
  perSecond: { sent: 10, acked: 10, received: 10 },
  p99Ms: { connect: 1, puback: 2, e2e: 3 },
  errors: 0,
  reconnects: 0,
  lost: 0,
  failing: [],
});

test('in a CI log: one plain status line every 5 s and at each new stage, events as they come', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  const live = liveOutput(out, false);
  for (let s = 1; s <= 12; s++) live.status(status(s * 1000, s < 8 ? 1 : 2));
  live.event('chaos: dropping 50% of the connections');
  const lines = text.trim().split('\n');
  assert.deepEqual(
    lines.map((l) => l.slice(0, 9)),
    ['[1s/1m] s', '[6s/1m] s', '[8s/1m] s', 'chaos: dr'],
  );
  assert.ok(!text.includes('\x1b'), 'no escape codes in a log');
});

test('the coordinator spreads active cars over its units by their share of the fleet', () => {
  const sent: ParentToUnit[][] = [];
  const c = new Coordinator({
    settings: {} as never,
    start: 0,
    end: 10,
    units: 3,
    factory: () => {
      const box: ParentToUnit[] = [];
      sent.push(box);
      return { label: 'u', send: (m) => box.push(m), onMessage: () => {}, onExit: () => {}, terminate: () => Promise.resolve() };
    },
    groundTruth: false,
    rampPerSecond: 1,
    label: 'u',
  });
  const active = (n: number): number[] => {
    c.control({ activeCars: n, rateHz: 2 });
    return sent.map((box) => {
      const m = box[box.length - 1];
      assert.equal(m?.type, 'control');
      return m?.type === 'control' ? (m.control.activeCars ?? -1) : -1;
    });
  };
  assert.deepEqual(active(0), [0, 0, 0]);
  assert.deepEqual(active(5), [1, 2, 2]);
  assert.deepEqual(active(10), [3, 3, 4]);
  assert.deepEqual(active(99), [3, 3, 4], 'never more than the fleet');
  c.control({ dropShare: 0.5 });
  assert.deepEqual(sent[0]?.at(-1), { type: 'control', control: { dropShare: 0.5 } });
});

test('a rate change mid-run: the new schedule goes on after the time already drained, sending nothing twice', () => {
  const s = new PhaseSchedule([0, 250, 500, 750], 1000);
  s.seek(2600);
  const due: [number, number][] = [];
  s.drain(4000, (car, ms) => due.push([car, ms]));
  assert.deepEqual(due.slice(0, 3), [
    [3, 2750],
    [0, 3000],
    [1, 3250],
  ]);
  const t = new PhaseSchedule([0, 250, 500, 750], 1000);
  t.seek(2750);
  assert.equal(t.nextDueMs, 3000);
  t.seek(-1);
  assert.equal(t.nextDueMs, 0);
});

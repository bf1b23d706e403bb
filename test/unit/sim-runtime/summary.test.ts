import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MqttStats, mergeSnapshots } from '../../../mqtt/stats.js';
import { addCounters, emptyCounters } from '../../../simulator/runtime/counters.js';
import { mergeUnitStats } from '../../../simulator/runtime/coordinator.js';
import { buildSummary, formatSummary, rampBar, statusLine } from '../../../simulator/runtime/summary.js';

function unit(sent: number, acked: number, latencyUs: number): ReturnType<typeof mergeUnitStats> {
  const m = new MqttStats();
  m.sent[1] = sent;
  m.acked[1] = acked;
  m.connects = 10;
  m.connectAttempts = 12;
  m.states.connected = 10;
  m.countError('MQTT_CONNECT_FAILED');
  for (let i = 0; i < acked; i++) m.pubackLatencyUs.record(latencyUs);
  for (let i = 0; i < 10; i++) m.connectLatencyUs.record(2000);
  const sim = emptyCounters();
  sim.published.telemetry = sent - 10;
  sim.published.status = 10;
  sim.commandResults.succeeded = 2;
  sim.simTimeS = 30;
  return { mqtt: m.snapshot(), sim, cpuUs: 2_000_000, maxRssKb: 50_000 };
}

test('stats of units add up, and the summary derives its figures from them', () => {
  const merged = mergeUnitStats([unit(100, 90, 1000), unit(300, 300, 3000)]);
  assert.equal(merged.cpuUs, 4_000_000);
  assert.equal(merged.maxRssKb, 100_000);
  const s = buildSummary({ cars: 20, stats: merged, wallSeconds: 40, cpuSeconds: 4, peakRssKb: 100_000, baseRssKb: 60_000 });
  assert.equal(s.messages.totalSent, 400);
  assert.equal(s.messages.totalAcked, 390);
  assert.equal(s.messages.published.telemetry, 380);
  assert.equal(s.messages.perSecond, 10);
  assert.equal(s.usPerMessage, 10_000);
  assert.equal(s.kbPerCar, 2000);
  assert.equal(s.errors.MQTT_CONNECT_FAILED, 2);
  assert.equal(s.errorCount, 2);
  assert.equal(s.commands.results.succeeded, 4);
  assert.equal(s.connections.connects, 20);
  assert.equal(s.connections.reconnects, 0);
  assert.equal(s.pubackMs.count, 390);
  assert.ok(s.pubackMs.p50Ms > 2.9 && s.pubackMs.p50Ms < 3.1, `p50 ${s.pubackMs.p50Ms}`);
  assert.ok(s.pubackMs.p99Ms >= s.pubackMs.p50Ms);
  assert.equal(s.connectMs.count, 20);
  assert.match(formatSummary(s), /sent 400 .*acknowledged 390/);
});

test('sim time of a merge is the slowest unit; empty merges are zero', () => {
  const a = emptyCounters();
  a.simTimeS = 10;
  const b = emptyCounters();
  b.simTimeS = 8;
  assert.equal(addCounters([a, b]).simTimeS, 8);
  assert.equal(addCounters([]).simTimeS, 0);
  assert.equal(mergeSnapshots([]).sent[1], 0);
});

test('status line and ramp bar', () => {
  const before = unit(100, 100, 1000);
  const now = unit(600, 590, 1000);
  const line = statusLine(20, now, before, 5);
  assert.match(line, /connected 10\/20/);
  assert.match(line, /100 msg\/s/);
  assert.match(line, /PUBACK p99 1\.0 ms/);
  assert.ok(!line.includes('\n'));
  assert.equal(rampBar(5, 10, 10), '[#####-----] 5/10 connected');
});

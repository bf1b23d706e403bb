/** The bridge's bound on car time: a message stamped more than bridge.maxClockSkewMs ahead is dead-lettered. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeMqttMessage } from '../../../backend/bridge/route.js';
import { encode, protocolExamples, type DeadLetter } from '../../../protocol/index.js';

const base = protocolExamples.telemetryExamples[0]!;
const topic = `v2x/v1/${base.vin}/telemetry`;
const at = 1_800_000_000_000;

test('routeMqttMessage: TIMESTAMP_AHEAD beyond the skew, through within it, no bound with 0', () => {
  const ctx = { topicPrefix: 'p.', refusedBy: 'bridge', maxClockSkewMs: 60_000 };
  const far = routeMqttMessage(ctx, topic, encode('telemetry', { ...base, ts: at + 60_001 }), 1, at);
  assert.equal(far.ok, false);
  assert.equal(far.record.topic, 'p.deadletter');
  const letter = JSON.parse(String(far.record.value)) as DeadLetter;
  assert.equal(letter.reason, 'TIMESTAMP_AHEAD');
  assert.equal(letter.field, 'telemetry.ts');
  assert.match(letter.message, /at most 60000 ms ahead of the receiving clock \(bridge\.maxClockSkewMs; it was 60001 ms ahead\)/);
  assert.equal(routeMqttMessage(ctx, topic, encode('telemetry', { ...base, ts: at + 60_000 }), 1, at).ok, true);
  assert.equal(routeMqttMessage(ctx, topic, encode('telemetry', { ...base, ts: at - 3_600_000 }), 1, at).ok, true, 'the past is fine');
  const off = { ...ctx, maxClockSkewMs: 0 };
  assert.equal(routeMqttMessage(off, topic, encode('telemetry', { ...base, ts: at * 2 }), 1, at).ok, true);
});

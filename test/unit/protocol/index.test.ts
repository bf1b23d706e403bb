import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as protocol from '../../../protocol/index.js';

const { protocolExamples } = protocol;

test('the public surface: a car publishes, the bridge checks and forwards, a bad one is dead-lettered', () => {
  const t = protocolExamples.telemetryExamples[0];
  assert.ok(t);
  // car side
  const topic = protocol.telemetryTopic(t.vin);
  const payload = protocol.encode('telemetry', t, 'binary');
  assert.ok(protocol.mayPublish({ role: 'car', vin: t.vin }, topic));
  // bridge side
  const { vin, kind } = protocol.parseTopic(topic);
  assert.equal(kind, 'telemetry');
  const r = protocol.tryDecode(kind, payload);
  assert.ok(r.ok);
  if (r.ok) assert.equal((r.value as { vin: string }).vin, vin);
  const headers = protocol.buildHeaders({ mqttTopic: topic, qos: 0, receivedAt: 1, codec: protocol.detectCodec(payload) ?? 'json', kind });
  assert.equal(protocol.readHeaders(headers).problems.length, 0);
  assert.equal(protocol.kafkaTopicName(protocol.MQTT_TO_KAFKA[kind] ?? 'deadletter'), 'telemetry');
  // a bad one
  const bad = Buffer.from('{"vin":"1M8GDM9AXKP042788"}');
  const rb = protocol.tryDecodeTelemetry(bad);
  assert.equal(rb.ok, false);
  if (!rb.ok) {
    const dl = protocol.buildDeadLetter({
      issue: rb.issue,
      source: { type: 'mqtt', topic },
      payload: bad,
      at: 2,
      refusedBy: 'bridge',
      vin,
    });
    assert.equal(dl.reason, 'PAYLOAD_INVALID');
    assert.equal(dl.field, 'telemetry.seq');
  }
});

test('per-kind decode functions decode their kind and throw on another', () => {
  const ex = protocolExamples.examples;
  const pairs = [
    [protocol.decodeTelemetry, protocol.tryDecodeTelemetry, 'telemetry'],
    [protocol.decodeStatus, protocol.tryDecodeStatus, 'status'],
    [protocol.decodeEvent, protocol.tryDecodeEvent, 'event'],
    [protocol.decodeCommandRequest, protocol.tryDecodeCommandRequest, 'commandRequest'],
    [protocol.decodeCommandResult, protocol.tryDecodeCommandResult, 'commandResult'],
    [protocol.decodeWarning, protocol.tryDecodeWarning, 'warning'],
  ] as const;
  for (const [dec, tryDec, kind] of pairs) {
    const m = ex[kind][0];
    assert.ok(m);
    for (const codec of protocol.CODECS) {
      const bytes: Buffer = protocol.encode(kind, m as never, codec);
      assert.deepStrictEqual(dec(bytes), m, `${kind} ${codec}`);
      assert.equal(tryDec(bytes).ok, true);
    }
    const other = kind === 'telemetry' ? 'warning' : 'telemetry';
    const wrong = protocol.encode(other, ex[other][0] as never, 'binary');
    assert.throws(
      () => dec(wrong),
      (e: unknown) => e instanceof Error && /expected a/.test(e.message),
      kind,
    );
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDeadLetter,
  buildHeaders,
  deadLetterPayload,
  HEADERS,
  KAFKA_TOPICS,
  kafkaTopicName,
  kafkaTopicSpecs,
  MAX_DEADLETTER_PAYLOAD_BYTES,
  MQTT_TO_KAFKA,
  readHeaders,
} from '../../../protocol/kafka.js';
import { tryDecode } from '../../../protocol/codec/index.js';
import { telemetryExamples } from '../../../protocol/examples.js';

test('topics: names, cleanup policies, keys and partitions as data', () => {
  const names = Object.values(KAFKA_TOPICS).map((t) => t.name);
  assert.deepEqual(names, [
    'telemetry',
    'vehicle-status',
    'vehicle-events',
    'commands',
    'command-status',
    'command-results',
    'command-audit',
    'geofences',
    'geofence-events',
    'geofencing-state',
    'traffic',
    'jams',
    'warnings',
    'deadletter',
  ]);
  const compacted = Object.values(KAFKA_TOPICS)
    .filter((t) => t.cleanupPolicy === 'compact')
    .map((t) => t.name);
  assert.deepEqual(compacted, ['vehicle-status', 'command-status', 'geofences', 'geofencing-state']);
  for (const t of Object.values(KAFKA_TOPICS)) assert.ok(Number.isInteger(t.partitions) && t.partitions >= 1, t.name);
  assert.equal(KAFKA_TOPICS.telemetry.key, 'vin');
  assert.equal(kafkaTopicName('telemetry'), 'telemetry');
  assert.equal(kafkaTopicName('vehicleStatus', 'test-42.'), 'test-42.vehicle-status');
  assert.equal(MQTT_TO_KAFKA.telemetry, 'telemetry');
  assert.equal(MQTT_TO_KAFKA.status, 'vehicleStatus');
  assert.equal(MQTT_TO_KAFKA.commandResult, 'commandResults', 'car results keep their own topic; command-status is the service state');
  const specs = kafkaTopicSpecs('t1.');
  assert.equal(specs.length, names.length);
  assert.deepEqual(specs[0], { name: 't1.telemetry', partitions: 12, config: { 'cleanup.policy': 'delete', 'retention.ms': '86400000' } });
  assert.deepEqual(
    specs.find((s) => s.name === 't1.vehicle-status'),
    { name: 't1.vehicle-status', partitions: 6, config: { 'cleanup.policy': 'compact' } },
  );
});

test('headers round-trip through strings and Buffers (as kafkajs hands them back)', () => {
  const h = buildHeaders({
    mqttTopic: 'v2x/v1/1M8GDM9AXKP042788/telemetry',
    qos: 0,
    receivedAt: 1_764_028_800_123,
    codec: 'binary',
    kind: 'telemetry',
  });
  assert.equal(h[HEADERS.contentType], 'application/vnd.v2x.bin;v=1');
  assert.equal(h[HEADERS.schemaVersion], '1');
  const asBuffers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(v)]));
  for (const headers of [h, asBuffers]) {
    const { meta, problems } = readHeaders(headers);
    assert.deepEqual(problems, []);
    assert.deepEqual(meta, {
      mqttTopic: 'v2x/v1/1M8GDM9AXKP042788/telemetry',
      qos: 0,
      receivedAt: 1_764_028_800_123,
      codec: 'binary',
      schemaVersion: 1,
      kind: 'telemetry',
    });
  }
});

test('readHeaders lists every missing or malformed header, never throws', () => {
  const { meta, problems } = readHeaders({ [HEADERS.mqttQos]: '7', [HEADERS.contentType]: 'text/plain', [HEADERS.receivedAt]: 'soon' });
  assert.deepEqual(meta, {});
  assert.equal(problems.length, 6);
  assert.match(problems.join('\n'), /v2x-mqtt-topic is missing/);
  assert.match(problems.join('\n'), /v2x-mqtt-qos must be 0, 1 or 2 \(got 7\)/);
  assert.match(problems.join('\n'), /content-type must be application\/json or application\/vnd\.v2x\.bin;v=1 \(got text\/plain\)/);
});

test('a dead letter keeps the reason, the field and rule, the source and the original bytes', () => {
  const raw = Buffer.from(JSON.stringify({ ...telemetryExamples[0], seq: -1 }));
  const r = tryDecode('telemetry', raw);
  assert.equal(r.ok, false);
  if (r.ok) return;
  const dl = buildDeadLetter({
    issue: r.issue,
    source: { type: 'mqtt', topic: 'v2x/v1/1M8GDM9AXKP042788/telemetry' },
    payload: raw,
    at: 5,
    refusedBy: 'bridge',
    vin: '1M8GDM9AXKP042788',
  });
  assert.equal(dl.reason, 'PAYLOAD_INVALID');
  assert.equal(dl.field, 'telemetry.seq');
  assert.equal(dl.rule, 'must be >= 0');
  assert.equal(dl.source, 'mqtt:v2x/v1/1M8GDM9AXKP042788/telemetry');
  assert.equal(dl.payloadBytes, raw.length);
  assert.deepEqual(deadLetterPayload(dl), raw);
  assert.deepEqual(JSON.parse(JSON.stringify(dl)), dl, 'a dead letter is plain JSON');
  const big = buildDeadLetter({
    issue: { code: 'PAYLOAD_TOO_LARGE', message: 'too large' },
    source: { type: 'kafka', topic: 'commands' },
    payload: Buffer.alloc(100_000),
    at: 0,
    refusedBy: 'bridge',
  });
  assert.equal(big.payloadBytes, 100_000);
  assert.equal(deadLetterPayload(big).length, MAX_DEADLETTER_PAYLOAD_BYTES);
  assert.equal('vin' in big, false);
});

/**
 * Validation at the door: 1,000 malformed payloads (garbage bytes, wrong schema, oversized) all land
 * in the dead-letter topic with their reasons, while valid traffic from other cars flows unaffected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encode, kafkaTopicName, protocolExamples, MAX_PAYLOAD_BYTES, type DeadLetter } from '../../../protocol/index.js';
import { collect, connectCar, startBackendOnTestKafka, testVin } from '../../helpers/backend.js';

test('1,000 malformed payloads go to the dead-letter topic with their reasons; valid traffic is unaffected', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t);
  const url = backend.broker!.tcpUrl;
  const dead = await collect(t, kafka, kafkaTopicName('deadletter', config.bridge.topicPrefix));
  const good = await collect(t, kafka, kafkaTopicName('telemetry', config.bridge.topicPrefix));

  const base = protocolExamples.telemetryExamples[0]!;
  const bad = await Promise.all([0, 1, 2].map((i) => connectCar(t, url, testVin(1000 + i), config.mqtt.fleetKey)));
  const fine = await Promise.all(Array.from({ length: 10 }, (_, i) => connectCar(t, url, testVin(i), config.mqtt.fleetKey)));

  const expected = new Map<string, number>();
  const sendBad = async (): Promise<void> => {
    for (let n = 0; n < 1000; n++) {
      const client = bad[n % 3]!;
      const vin = testVin(1000 + (n % 3));
      let payload: Buffer;
      let reason: string;
      if (n % 3 === 0) {
        payload = Buffer.concat([Buffer.from([0x00]), randomBytes(40)]);
        reason = 'PAYLOAD_UNDECODABLE';
      } else if (n % 3 === 1) {
        payload = Buffer.from(JSON.stringify({ ...base, vin, seq: -n }));
        reason = 'PAYLOAD_INVALID';
      } else {
        payload = Buffer.alloc(MAX_PAYLOAD_BYTES + 100, 0x7b);
        reason = 'PAYLOAD_TOO_LARGE';
      }
      expected.set(reason, (expected.get(reason) ?? 0) + 1);
      await client.publishAsync(`v2x/v1/${vin}/telemetry`, payload, { qos: 1 });
    }
  };
  const sendGood = async (): Promise<void> => {
    await Promise.all(
      fine.map(async (client, i) => {
        const vin = testVin(i);
        for (let seq = 0; seq < 100; seq++)
          await client.publishAsync(`v2x/v1/${vin}/telemetry`, encode('telemetry', { ...base, vin, seq, ts: Date.now() }), { qos: 1 });
      }),
    );
  };
  await Promise.all([sendBad(), sendGood()]);
  await Promise.all([dead.until(1000), good.until(1000)]);

  assert.equal(dead.records.length, 1000, 'every malformed payload is dead-lettered once');
  assert.equal(good.records.length, 1000, 'every valid message arrives');
  const byReason = new Map<string, number>();
  for (const r of dead.records) {
    const letter = JSON.parse(r.value!.toString()) as DeadLetter;
    byReason.set(letter.reason, (byReason.get(letter.reason) ?? 0) + 1);
    assert.equal(r.headers['v2x-reason'], letter.reason);
    assert.match(letter.source, /^mqtt:v2x\/v1\/[0-9A-Z]{17}\/telemetry$/);
    assert.equal(r.key, letter.vin);
    assert.ok(letter.message.length > 0);
    assert.equal(letter.refusedBy, 'bridge');
    if (letter.reason === 'PAYLOAD_INVALID') {
      assert.equal(letter.field, 'telemetry.seq', 'the field is named');
      assert.ok(letter.rule, 'and the rule');
    }
    if (letter.reason === 'PAYLOAD_TOO_LARGE') assert.equal(letter.payloadBytes, MAX_PAYLOAD_BYTES + 100);
  }
  assert.deepEqual(Object.fromEntries(byReason), Object.fromEntries(expected));
  const metrics = await backend.metrics.registry.getSingleMetricAsString('v2x_bridge_deadletter_total');
  assert.match(metrics, /reason="PAYLOAD_INVALID"} 333/);
});

/**
 * At-least-once from a car's QoS 1 publish to a Kafka record, through the embedded broker:
 * 200 cars x 100 telemetry messages give exactly 20,000 distinct (VIN, seq) records, in order per VIN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, kafkaTopicName, protocolExamples, HEADERS, decodeTelemetry } from '../../../protocol/index.js';
import { collect, connectCar, startBackendOnTestKafka, testVin } from '../../helpers/backend.js';

const CARS = 200;
const PER_CAR = 100;

test('200 cars x 100 QoS 1 telemetry messages through the embedded broker: 20,000 distinct records in order per VIN', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t);
  const broker = backend.broker!;
  const topic = kafkaTopicName('telemetry', config.bridge.topicPrefix);
  const out = await collect(t, kafka, topic);

  const base = protocolExamples.telemetryExamples[0]!;
  const cars = await Promise.all(Array.from({ length: CARS }, (_, i) => connectCar(t, broker.tcpUrl, testVin(i), config.mqtt.fleetKey)));
  const started = Date.now();
  await Promise.all(
    cars.map(async (client, i) => {
      const vin = testVin(i);
      const pubs: Promise<unknown>[] = [];
      for (let seq = 0; seq < PER_CAR; seq++) {
        const payload = encode('telemetry', { ...base, vin, seq, ts: Date.now() }, seq % 2 === 0 ? 'json' : 'binary');
        pubs.push(client.publishAsync(`v2x/v1/${vin}/telemetry`, payload, { qos: 1 }));
      }
      await Promise.all(pubs);
    }),
  );
  const ackedIn = Date.now() - started;
  // Every PUBACK came after Kafka's ack: the records must all be there already (allowing consumer lag).
  await out.until(CARS * PER_CAR);

  assert.equal(out.records.length, CARS * PER_CAR, 'exactly one record per message');
  const last = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of out.records) {
    const msg = decodeTelemetry(r.value!);
    assert.equal(r.key, msg.vin, 'key = VIN');
    assert.equal(r.headers[HEADERS.mqttTopic], `v2x/v1/${msg.vin}/telemetry`);
    assert.equal(r.headers[HEADERS.mqttQos], '1');
    assert.ok(Number(r.headers[HEADERS.receivedAt]) >= started);
    const id = `${msg.vin}/${msg.seq}`;
    assert.ok(!seen.has(id), `duplicate ${id}`);
    seen.add(id);
    assert.equal(msg.seq, (last.get(msg.vin) ?? -1) + 1, `order for ${msg.vin}`);
    last.set(msg.vin, msg.seq);
  }
  assert.equal(last.size, CARS);
  t.diagnostic(`20,000 QoS 1 messages acknowledged in ${ackedIn} ms`);
});

/**
 * The bridge against a real Mosquitto: 200 cars x 100 QoS 1 telemetry messages published to the
 * broker arrive in Kafka as exactly 20,000 distinct (VIN, seq) records, in order per VIN. The
 * bridge subscribes with a shared subscription and a persistent session, and acknowledges each
 * message to Mosquitto only after Kafka acknowledged it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { decodeTelemetry, encode, kafkaTopicName, protocolExamples, HEADERS } from '../../../protocol/index.js';
import { testKafka } from '../../helpers/kafka.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { backendConfig, collect, startTestBackend, testVin } from '../../helpers/backend.js';

const CARS = 200;
const PER_CAR = 100;

test('200 cars x 100 QoS 1 messages through Mosquitto and the bridge: 20,000 distinct records in order per VIN', async (t) => {
  const { brokers } = await testKafka(t);
  const mosquitto = await startMosquitto(t, { extraConfig: ['max_inflight_messages 1000', 'max_queued_messages 200000'] });
  const config = backendConfig(brokers, { 'backend.roles': 'bridge', 'bridge.brokerUrl': mosquitto.url });
  const { kafka } = await startTestBackend(t, config);
  const out = await collect(t, kafka, kafkaTopicName('telemetry', config.bridge.topicPrefix));

  const base = protocolExamples.telemetryExamples[0]!;
  const cars = await Promise.all(
    Array.from({ length: CARS }, async (_, i) => {
      const c = await mqtt.connectAsync(mosquitto.url, { clientId: testVin(i), reconnectPeriod: 0 });
      t.after(() => c.endAsync(true));
      return c;
    }),
  );
  await Promise.all(
    cars.map(async (client, i) => {
      const vin = testVin(i);
      const pubs: Promise<unknown>[] = [];
      for (let seq = 0; seq < PER_CAR; seq++)
        pubs.push(client.publishAsync(`v2x/v1/${vin}/telemetry`, encode('telemetry', { ...base, vin, seq, ts: Date.now() }), { qos: 1 }));
      await Promise.all(pubs);
    }),
  );
  await out.until(CARS * PER_CAR, 120_000);

  assert.equal(out.records.length, CARS * PER_CAR, 'exactly one record per message');
  const last = new Map<string, number>();
  for (const r of out.records) {
    const m = decodeTelemetry(r.value!);
    assert.equal(r.key, m.vin);
    assert.equal(r.headers[HEADERS.mqttTopic], `v2x/v1/${m.vin}/telemetry`);
    assert.equal(m.seq, (last.get(m.vin) ?? -1) + 1, `order for ${m.vin}`);
    last.set(m.vin, m.seq);
  }
  assert.equal(last.size, CARS);
});

/**
 * Issue 19, MEDIUM: one message from the future froze traffic detection. A telemetry message
 * stamped ten years ahead, published with mosquitto_pub, is dead-lettered by the bridge with
 * reason TIMESTAMP_AHEAD naming the field and the bound (bridge.maxClockSkewMs); one a little
 * ahead (within the bound) and one on time reach the telemetry topic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, kafkaTopicName, protocolExamples, type DeadLetter } from '../../../protocol/index.js';
import { carPassword } from '../../../protocol/credentials.js';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, collect, startTestBackend, testVin } from '../../helpers/backend.js';
import { hostPort, mosquittoClient } from './clients.js';

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

test('a fix stamped ten years ahead goes to the dead-letter topic with its reason; fixes within the skew flow', async (t) => {
  const { brokers } = await testKafka(t);
  const config = backendConfig(brokers, { 'backend.roles': 'broker,bridge', 'bridge.maxClockSkewMs': 60_000 });
  const { backend, kafka } = await startTestBackend(t, config);
  const prefix = config.bridge.topicPrefix;
  const dead = await collect(t, kafka, kafkaTopicName('deadletter', prefix));
  const telemetry = await collect(t, kafka, kafkaTopicName('telemetry', prefix));
  const vin = testVin(201);
  const base = protocolExamples.telemetryExamples[0]!;
  const publish = async (seq: number, ts: number): Promise<void> => {
    const run = await mosquittoClient('mosquitto_pub', [
      ...hostPort(backend.broker!.tcpUrl),
      '-i',
      vin,
      '-u',
      vin,
      '-P',
      carPassword(config.mqtt.fleetKey, vin),
      '-q',
      '1',
      '-t',
      `v2x/v1/${vin}/telemetry`,
      '-m',
      encode('telemetry', { ...base, vin, seq, ts }).toString(),
    ]);
    assert.equal(run.code, 0, run.stderr);
  };

  const future = Date.now() + TEN_YEARS_MS;
  await publish(1, future);
  await publish(2, Date.now() + 30_000); // ahead, within the minute allowed
  await publish(3, Date.now());
  await Promise.all([dead.until(1), telemetry.until(2)]);

  assert.equal(dead.records.length, 1);
  const letter = JSON.parse(dead.records[0]!.value!.toString()) as DeadLetter;
  assert.equal(letter.reason, 'TIMESTAMP_AHEAD');
  assert.equal(dead.records[0]!.headers['v2x-reason'], 'TIMESTAMP_AHEAD');
  assert.equal(letter.field, 'telemetry.ts');
  assert.match(letter.rule ?? '', /at most 60000 ms ahead of the receiving clock \(bridge\.maxClockSkewMs/);
  assert.equal(letter.vin, vin);
  assert.equal(letter.refusedBy, 'bridge');
  assert.deepEqual(
    telemetry.records.map((r) => (JSON.parse(r.value!.toString()) as { seq: number }).seq),
    [2, 3],
    'the fixes within the bound reach Kafka',
  );
  const metric = await backend.metrics.registry.getSingleMetricAsString('v2x_bridge_deadletter_total');
  assert.match(metric, /reason="TIMESTAMP_AHEAD"} 1/);
});

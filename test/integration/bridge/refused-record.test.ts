/**
 * A car message Kafka refuses for good (larger than the telemetry topic's max.message.bytes): the
 * bridge dead-letters it with the reason, acknowledges the car's QoS 1 PUBLISH (the message is
 * kept, in the dead-letter topic), and the car's later messages are not held back behind it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import { decode, encode, kafkaTopicName, protocolExamples, type DeadLetter } from '../../../protocol/index.js';
import { backendConfig, collect, connectCar, startTestBackend, testVin } from '../../helpers/backend.js';
import { testKafka } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/poll.js';

const CARS = 3;
const PER_CAR = 10;
/** The one message of each car sent as JSON (about 480 bytes: above the limit with its headers). */
const REFUSED_SEQ = 4;

test('a car message Kafka refuses is dead-lettered with its reason, acknowledged, and does not hold back the next ones', async (t) => {
  const { brokers } = await testKafka(t);
  const config = backendConfig(brokers);
  const prefix = config.bridge.topicPrefix;
  const telemetryTopic = kafkaTopicName('telemetry', prefix);
  // created before the backend (which leaves existing topics alone): a binary telemetry record
  // (~75 bytes + headers) fits in 600 bytes, a JSON one does not
  const admin = await createKafkaClient({ brokers, clientId: 'refused-record-test' }).admin();
  t.after(() => admin.close());
  await admin.createTopics([{ name: telemetryTopic, partitions: 12, config: { 'max.message.bytes': '600' } }]);

  const { backend, kafka } = await startTestBackend(t, config);
  const good = await collect(t, kafka, telemetryTopic);
  const dead = await collect(t, kafka, kafkaTopicName('deadletter', prefix));
  const base = protocolExamples.telemetryExamples[0]!;
  const cars = await Promise.all(
    Array.from({ length: CARS }, (_, i) => connectCar(t, backend.broker!.tcpUrl, testVin(i), config.mqtt.fleetKey)),
  );

  await Promise.all(
    cars.map(async (car, i) => {
      const vin = testVin(i);
      for (let seq = 0; seq < PER_CAR; seq++) {
        const message = { ...base, vin, seq, ts: Date.now() };
        const payload = seq === REFUSED_SEQ ? encode('telemetry', message) : encode('telemetry', message, 'binary');
        // resolves on the PUBACK: the refused one too, once its dead letter is in Kafka
        await car.publishAsync(`v2x/v1/${vin}/telemetry`, payload, { qos: 1 });
      }
    }),
  );

  const key = (vin: string | null, seq: number): string => `${vin}/${seq}`;
  const distinct = (): Set<string> => new Set(good.records.map((r) => key(r.key, decodeSeq(r.value!))));
  await waitFor(() => distinct().size >= CARS * (PER_CAR - 1) && dead.records.length >= CARS, {
    timeoutMs: 60_000,
    what: `${CARS * (PER_CAR - 1)} telemetry records and ${CARS} dead letters`,
  });

  for (let i = 0; i < CARS; i++) {
    const vin = testVin(i);
    const seqs = good.records.filter((r) => r.key === vin).map((r) => decodeSeq(r.value!));
    const firstSeen = seqs.filter((s, n) => seqs.indexOf(s) === n);
    assert.deepEqual(
      firstSeen,
      Array.from({ length: PER_CAR }, (_, s) => s).filter((s) => s !== REFUSED_SEQ),
      `${vin}: every message but the refused one, in order`,
    );
  }
  assert.equal(dead.records.length, CARS);
  for (const r of dead.records) {
    const letter = JSON.parse(r.value!.toString()) as DeadLetter;
    assert.equal(letter.reason, 'KAFKA_RECORD_REFUSED');
    assert.match(letter.rule ?? '', /^(MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE)$/);
    assert.equal(letter.source, `kafka:${telemetryTopic}`);
    assert.equal(r.key, letter.vin);
    assert.equal(r.headers['v2x-mqtt-topic'], `v2x/v1/${letter.vin}/telemetry`, "the record's own headers are kept");
    assert.equal(decodeSeq(Buffer.from(letter.payloadBase64, 'base64')), REFUSED_SEQ, 'the original bytes');
  }
  const metrics = await backend.metrics.registry.getSingleMetricAsString('v2x_bridge_deadletter_total');
  assert.match(metrics, new RegExp(`reason="KAFKA_RECORD_REFUSED"} ${CARS}`));
});

/** seq of a telemetry payload, binary or JSON. */
function decodeSeq(value: Buffer): number {
  return decode('telemetry', value).seq;
}

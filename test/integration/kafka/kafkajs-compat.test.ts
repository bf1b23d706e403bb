/**
 * kafkajs 2.2.4 against the Kafka version we ship (4.x removed old protocol versions, KIP-896):
 * admin createTopics, idempotent produce with acks=-1, consume in a consumer group, offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { createTopicAndWait, testKafka, uniqueTopic } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/poll.js';

test('kafkajs: createTopics, produce acks=-1, consume in a group', async (t) => {
  const { brokers } = await testKafka(t);
  const kafka = new Kafka({ clientId: 'compat-test', brokers, logLevel: logLevel.WARN });
  const topic = uniqueTopic('compat');

  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await createTopicAndWait(admin, { topic, numPartitions: 3 });
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(meta.topics[0]?.partitions.length, 3);

  // Idempotent: right after a topic is created a KRaft broker can answer NOT_LEADER for a moment
  // (its metadata cache is published before the partitions are ready, KAFKA-15780); kafkajs then
  // retries the whole request, and without idempotence the partitions that had succeeded get
  // their records twice. This also proves InitProducerId and idempotent produce work on 4.x.
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  t.after(() => producer.disconnect());
  const N = 30;
  const sent = await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: N }, (_, i) => ({ key: `k${i % 5}`, value: `v${i}`, headers: { seq: String(i) } })),
  });
  assert.ok(sent.every((r) => r.errorCode === 0));

  const consumer = kafka.consumer({ groupId: `${topic}-group`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  t.after(() => consumer.disconnect());
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const got: string[] = [];
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length}/${N} records within 60 s`)), 60_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message.value?.toString() ?? '');
        if (got.length >= N) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await all;
  assert.deepEqual(got.sort(), Array.from({ length: N }, (_, i) => `v${i}`).sort());

  // The group committed its offsets (OffsetCommit/OffsetFetch work on this version).
  await waitFor(
    async () => {
      const offsets = await admin.fetchOffsets({ groupId: `${topic}-group`, topics: [topic] });
      return (offsets[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) ?? 0) === N;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: `committed offsets to reach ${N}` },
  );
});

/**
 * kafkajs#1303, shown on kafkajs 2.2.4's own sendMessages (the code behind producer.sendBatch),
 * driven through a leader move by a scripted cluster: it resolves without having written the
 * partitions that moved to a broker which had already answered. And the adapter's check
 * (backend/kafka/kafkajs-unwritten.ts) names exactly those records as unwritten.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Message } from 'kafkajs';
import { partitionOfKey } from '../../../backend/kafka/partitioner.js';
import { describeUnwritten, recordingPartitioner, unwrittenMessages, type PartitionLog } from '../../../backend/kafka/kafkajs-unwritten.js';

const require = createRequire(import.meta.url);
type SendMessages = (
  deps: Record<string, unknown>,
) => (args: Record<string, unknown>) => Promise<{ topicName: string; partition: number; errorCode: number }[]>;
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as SendMessages;
const createRetry = require('kafkajs/src/retry/index.js') as (o: Record<string, number>) => unknown;
const errors = require('kafkajs/src/errors.js') as Record<string, new (m: string, o?: Record<string, unknown>) => Error>;

const TOPIC = 'telemetry';
const noop = (): void => undefined;
const logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Keys spread over 3 partitions: two per partition. */
function keysByPartition(): Map<number, string[]> {
  const out = new Map<number, string[]>([
    [0, []],
    [1, []],
    [2, []],
  ]);
  for (let i = 0; [...out.values()].some((l) => l.length < 2); i++) {
    const key = `VIN${i}`;
    const l = out.get(partitionOfKey(key, 3))!;
    if (l.length < 2) l.push(key);
  }
  return out;
}

/**
 * Three brokers, partition p led by broker p + 1. Broker 2's first produce fails (its connection
 * closes: the node was killed); the metadata refresh that follows finds partition 1 led by broker 1,
 * which has already answered for partition 0. Every produce that reaches a broker is recorded.
 */
function scriptedCluster(): { cluster: Record<string, unknown>; written: Set<number> } {
  const leaders = new Map([
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
  const written = new Set<number>();
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: { topic: string; partitions: { partition: number }[] }[] }) {
      if (nodeId === 2 && leaders.get(1) === 2) throw new errors['KafkaJSConnectionError']!('Connection closed', { broker: 'b2' });
      const partitions = topicData[0]!.partitions.map((p) => p.partition);
      for (const p of partitions) written.add(p);
      return {
        topics: [{ topicName: TOPIC, partitions: partitions.map((partition) => ({ partition, errorCode: 0, baseOffset: '0' })) }],
      };
    },
  });
  const brokers = new Map([1, 2, 3].map((id) => [id, broker(id)]));
  const cluster = {
    addMultipleTargetTopics: async () => undefined,
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => void leaders.set(1, 1), // Kafka moved partition 1 to broker 1
    isConnected: () => true,
    removeBroker: noop,
    findTopicPartitionMetadata: () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const out: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (out[leaders.get(p)!] ??= []).push(p);
      return out;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => brokers.get(Number(nodeId))!,
  };
  return { cluster, written };
}

const eosManager = {
  acquireBrokerLock: async () => undefined,
  releaseBrokerLock: async () => undefined,
  isTransactional: () => false,
  getSequence: () => 0,
  updateSequence: noop,
  getProducerId: () => -1,
  getProducerEpoch: () => 0,
};

test('kafkajs 2.2.4 sendBatch resolves without writing the partition whose leader moved to a broker that had answered', async () => {
  const keys = keysByPartition();
  const log: PartitionLog = new WeakMap();
  const messages: Message[] = [...keys.values()].flat().map((key, i) => ({ key, value: `v${i}` }));
  const { cluster, written } = scriptedCluster();
  const sendMessages = createSendMessages({
    logger,
    cluster,
    partitioner: recordingPartitioner(log)(),
    eosManager,
    retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  const acked = await sendMessages({ acks: -1, topicMessages: [{ topic: TOPIC, messages }] });

  // resolved: the answers of brokers 1 and 3 from the first attempt; partition 1 was never written
  assert.deepEqual(acked.map((a) => a.partition).sort(), [0, 2]);
  assert.deepEqual([...written].sort(), [0, 2]);

  const left = unwrittenMessages([{ topic: TOPIC, messages }], (m) => log.get(m), acked);
  assert.deepEqual(
    left.flatMap((t) => t.messages.map((m) => m.key)),
    keys.get(1),
    'the records of partition 1 are unwritten, in their order',
  );
  assert.equal(
    describeUnwritten(left, (m) => log.get(m)),
    `2 records of ${TOPIC}/1`,
  );
});

test('unwrittenMessages: nothing when every partition is acknowledged; a message with no partition chosen counts as unwritten', () => {
  const a: Message = { key: 'a', value: '1' };
  const b: Message = { key: 'b', value: '2' };
  const c: Message = { key: 'c', value: '3' };
  const partition = new Map<Message, number>([
    [a, 0],
    [b, 1],
  ]);
  const of = (m: Message): number | undefined => partition.get(m);
  const sent = [
    { topic: 't1', messages: [a, b] },
    { topic: 't2', messages: [a] },
  ];
  const all = [
    { topicName: 't1', partition: 0, errorCode: 0 },
    { topicName: 't1', partition: 1, errorCode: 0 },
    { topicName: 't2', partition: 0, errorCode: 0 },
  ];
  assert.deepEqual(unwrittenMessages(sent, of, all), []);
  // the same partition number of another topic does not count
  assert.deepEqual(unwrittenMessages(sent, of, all.slice(0, 2)), [{ topic: 't2', messages: [a] }]);
  // an answer with an error code is not a write
  assert.deepEqual(unwrittenMessages(sent, of, [{ ...all[0]!, errorCode: 6 }, all[1]!, all[2]!]), [{ topic: 't1', messages: [a] }]);
  assert.deepEqual(unwrittenMessages([{ topic: 't1', messages: [c] }], of, all), [{ topic: 't1', messages: [c] }]);
});

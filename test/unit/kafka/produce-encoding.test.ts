/**
 * The produce encoder writes the same bytes as kafkajs 2.2.4's own Produce v3 encoder (the stock
 * module, loaded unpatched in this process), and the linear partition grouping returns what
 * kafkajs's does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { crc32c, encodeProduceRequest, type ProduceRequestBody } from '../../../backend/kafka/produce-encoding.js';
import { groupMessagesPerPartition } from '../../../backend/kafka/kafkajs-loader.js';

const require = createRequire(import.meta.url);
type StockRequest = (args: ProduceRequestBody & { compression?: number }) => { encode(): Promise<{ buffer: Buffer }> };
const stockProduce = require('kafkajs/src/protocol/requests/produce/v3/request.js') as StockRequest;
const stockGrouping = require('kafkajs/src/producer/groupMessagesPerPartition.js') as typeof groupMessagesPerPartition;
const stockCrc = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): { value: bigint } };

async function stockBytes(body: ProduceRequestBody, now: number): Promise<Buffer> {
  const realNow = Date.now;
  Date.now = () => now;
  try {
    return (await stockProduce(body).encode()).buffer;
  } finally {
    Date.now = realNow;
  }
}

async function assertSameBytes(body: ProduceRequestBody, now = 1_764_000_000_000): Promise<void> {
  const ours = encodeProduceRequest(body, () => now);
  const theirs = await stockBytes(body, now);
  assert.equal(ours.length, theirs.length, 'length');
  assert.ok(ours.equals(theirs), `bytes differ at ${ours.findIndex((b, i) => b !== theirs[i])}`);
}

const T0 = 1_764_000_000_000;

test('a bridge-shaped batch: VIN keys, binary values, six string headers, timestamps', async () => {
  const messages = Array.from({ length: 700 }, (_, i) => ({
    key: `1V2XB0S0XNA${String(i % 97).padStart(6, '0')}`,
    value: Buffer.from(Array.from({ length: 40 + (i % 30) }, (_, k) => (i * 7 + k) & 0xff)),
    headers: {
      'v2x-mqtt-topic': `v2x/v1/1V2XB0S0XNA${String(i % 97).padStart(6, '0')}/telemetry`,
      'v2x-mqtt-qos': '1',
      'v2x-received-at': String(T0 + i),
      'content-type': 'application/x-v2x-binary',
      'v2x-schema-version': '1',
      'v2x-kind': 'telemetry',
    },
    timestamp: String(T0 + ((i * 37) % 500)),
  }));
  await assertSameBytes({
    acks: -1,
    timeout: 30_000,
    producerId: Long.fromValue(4242),
    producerEpoch: 3,
    topicData: [
      {
        topic: 'v2x.telemetry',
        partitions: [
          { partition: 0, messages: messages.slice(0, 300), firstSequence: 1200 },
          { partition: 2, messages: messages.slice(300), firstSequence: 7 },
        ],
      },
    ],
  });
});

test('edge values: null keys and values, string values, array headers, unicode, no headers, no timestamps', async () => {
  await assertSameBytes({
    acks: 1,
    timeout: 5000,
    transactionalId: 'tx-é',
    topicData: [
      {
        topic: 'a',
        partitions: [
          {
            partition: 5,
            messages: [
              { key: null, value: null },
              { key: 'ключ', value: 'значение 🚗', headers: { multi: ['x', Buffer.from([1, 2, 3])], empty: '' } },
              { key: Buffer.from('k'), value: Buffer.alloc(300, 7), headers: {} },
              { value: 'v'.repeat(20_000) },
            ],
          },
        ],
      },
      { topic: 'b-topic', partitions: [{ partition: 0, messages: [{ key: 'only', value: 'one' }] }] },
    ],
  });
});

test('timestamps far apart and before the batch start give multi-byte varlong deltas', async () => {
  const messages = [0, 1, 200, 70_000, 9_000_000_000].map((d) => ({ key: 'k', value: 'v', timestamp: String(T0 + d) }));
  await assertSameBytes({ acks: -1, timeout: 1, topicData: [{ topic: 't', partitions: [{ partition: 1, messages }] }] });
  const mixed = [
    { key: 'k', value: 'v', timestamp: String(T0 + 5) },
    { key: 'k', value: 'w' },
  ];
  await assertSameBytes({ acks: -1, timeout: 1, topicData: [{ topic: 't', partitions: [{ partition: 1, messages: mixed }] }] }, T0 - 1000);
});

test('crc32c matches kafkajs and the RFC 3720 check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  const b = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) & 0xff));
  assert.equal(crc32c(b), stockCrc(b));
  assert.equal(crc32c(b, 100, 900), stockCrc(b.subarray(100, 900)));
});

test('partition grouping returns what kafkajs returns, in the same order', () => {
  const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }));
  const partitioner = ({ message }: { message: { key: string } }) => Number(message.key.slice(1)) % 3;
  const args = { topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner };
  assert.deepEqual(groupMessagesPerPartition(args), stockGrouping(args));
  assert.deepEqual(groupMessagesPerPartition({ ...args, partitionMetadata: [] }), {});
});

/**
 * The one write path (backend/kafka/writer.ts) against a real Kafka that refuses records: a topic
 * with a small max.message.bytes, an idempotent producer, records to several partitions in one
 * batch with oversized ones among them. Each oversized record lands in the dead-letter topic with
 * its reason (KAFKA_RECORD_REFUSED, Kafka's MESSAGE_TOO_LARGE), every other record gets through in
 * order per key, and the records appended after the refused ones are not held back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../../core/clock.js';
import { createKafkaClient, type InRecord, type OutRecord } from '../../../backend/kafka/index.js';
import { KafkaWriter } from '../../../backend/kafka/writer.js';
import type { DeadLetter } from '../../../protocol/index.js';
import { collect } from '../../helpers/backend.js';
import { testKafka, uniqueTopic } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/poll.js';

const KEYS = 8;
const PER_KEY = 40;

test('records Kafka refuses for good go to the dead-letter topic with their reason; the rest goes on, in order', async (t) => {
  const { brokers } = await testKafka(t);
  const client = createKafkaClient({ brokers, clientId: 'writer-refusal-test' });
  const topic = uniqueTopic('refusing');
  const deadLetterTopic = `${topic}.deadletter`;
  const admin = await client.admin();
  t.after(() => admin.close());
  await admin.createTopics([
    { name: topic, partitions: 3, config: { 'max.message.bytes': '2048' } },
    { name: deadLetterTopic, partitions: 1 },
  ]);
  const producer = await client.producer({ acksAll: true, idempotent: true });
  t.after(() => producer.close());
  const writer = new KafkaWriter(producer, {
    name: 'test',
    maxBatchRecords: 500,
    maxBatchBytes: 1 << 20,
    lingerMs: 20,
    maxBufferedRecords: 10_000,
    retry: { minMs: 50, maxMs: 1000 },
    deadLetterTopic,
    clock: systemClock,
  });
  const good = await collect(t, client, topic);
  const dead = await collect(t, client, deadLetterTopic);

  // every key's records interleaved; every 10th record of key 0 and key 5 is 4 KB (above 2,048)
  const appended: Promise<void>[] = [];
  const oversized = new Set<string>();
  for (let seq = 0; seq < PER_KEY; seq++) {
    for (let k = 0; k < KEYS; k++) {
      const key = `KEY${k}`;
      const big = (k === 0 || k === 5) && seq % 10 === 3;
      const value = big ? JSON.stringify({ k, seq, pad: 'x'.repeat(4096) }) : JSON.stringify({ k, seq });
      if (big) oversized.add(`${k}/${seq}`);
      const record: OutRecord = { topic, key, value, headers: { seq: String(seq) } };
      appended.push(writer.append(record));
    }
  }
  // every append resolves: the refused ones once their dead letter is in Kafka
  await Promise.all(appended);
  const expected = KEYS * PER_KEY - oversized.size;
  const distinct = (): number => new Set(good.records.map((r) => r.value!.toString())).size;
  await waitFor(() => distinct() >= expected && dead.records.length >= oversized.size, {
    timeoutMs: 60_000,
    what: `${expected} records and ${oversized.size} dead letters`,
  });

  const seqs = new Map<string, number[]>();
  let duplicates = 0;
  for (const r of good.records) {
    const { k, seq } = JSON.parse(r.value!.toString()) as { k: number; seq: number };
    assert.ok(!oversized.has(`${k}/${seq}`), 'no oversized record got in');
    const list = seqs.get(r.key!) ?? [];
    list.push(seq);
    seqs.set(r.key!, list);
  }
  for (let k = 0; k < KEYS; k++) {
    const got = seqs.get(`KEY${k}`) ?? [];
    const want = Array.from({ length: PER_KEY }, (_, s) => s).filter((s) => !oversized.has(`${k}/${s}`));
    assert.deepEqual(firstSeen(got), want, `KEY${k}: every record that fits, in order`);
    duplicates += got.length - want.length;
  }
  // a figure, not a target: each refusal resets the idempotent producer, and the records of
  // partitions Kafka took in the refused request are sent again while the batch is halved
  t.diagnostic(`duplicate copies written after the producer's resets: ${duplicates} (for ${expected} records)`);

  assert.equal(dead.records.length, oversized.size, 'one dead letter per refused record');
  const refused = new Set<string>();
  for (const r of dead.records) {
    const letter = JSON.parse(r.value!.toString()) as DeadLetter;
    assert.equal(letter.reason, 'KAFKA_RECORD_REFUSED');
    assert.equal(r.headers['v2x-reason'], 'KAFKA_RECORD_REFUSED');
    assert.match(letter.rule ?? '', /^(MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE)$/);
    assert.equal(letter.source, `kafka:${topic}`);
    assert.equal(r.key, letter.vin);
    assert.equal(r.headers['v2x-refused-topic'], topic);
    const payload = Buffer.from(letter.payloadBase64, 'base64');
    assert.equal(letter.payloadBytes, payload.length, 'the whole record value (4 KB is under the 16 KB cut)');
    const { k, seq } = JSON.parse(payload.toString()) as { k: number; seq: number };
    refused.add(`${k}/${seq}`);
  }
  assert.deepEqual([...refused].sort(), [...oversized].sort());
  assert.equal(writer.stats.deadLettered, oversized.size);

  // and the writer goes on: a record appended now is in Kafka as soon as its append resolves
  const after: OutRecord = { topic, key: 'KEY0', value: JSON.stringify({ k: 0, seq: PER_KEY }) };
  await writer.append(after);
  await waitFor(() => good.records.some((r: InRecord) => r.value?.toString() === after.value), {
    timeoutMs: 30_000,
    what: 'the record appended after the refusals',
  });
  await writer.close();
});

/**
 * After a refusal the producer starts a new producer id, so records of partitions Kafka took in the
 * refused request can come again (at-least-once): keep each seq's first appearance.
 */
function firstSeen(seqs: readonly number[]): number[] {
  const seen = new Set<number>();
  return seqs.filter((s) => (seen.has(s) ? false : (seen.add(s), true)));
}

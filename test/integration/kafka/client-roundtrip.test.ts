/**
 * The Kafka boundary against a real broker: 10,000 keyed records produced in batches and consumed
 * back in a consumer group; count, per-key order and no duplicates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaClient, type InRecord } from '../../../backend/kafka/index.js';
import { testKafka, uniqueTopic } from '../../helpers/kafka.js';

const KEYS = 100;
const PER_KEY = 100;
const TOTAL = KEYS * PER_KEY;

test('10,000 keyed records go in and come back in a consumer group, in order per key, once each', async (t) => {
  const { brokers } = await testKafka(t);
  const client = createKafkaClient({ brokers, clientId: 'roundtrip-test' });
  const topic = uniqueTopic('roundtrip');

  const admin = await client.admin();
  t.after(() => admin.close());
  await admin.createTopics([{ name: topic, partitions: 4 }]);
  assert.ok((await admin.listTopics()).includes(topic));

  const received: InRecord[] = [];
  let done!: () => void;
  const allIn = new Promise<void>((resolve) => (done = resolve));
  const consumer = await client.consumer({ groupId: `${topic}-group`, topics: [topic], fromBeginning: true });
  t.after(() => consumer.close());
  await consumer.start(async (batch) => {
    received.push(...batch);
    if (received.length >= TOTAL) done();
  });

  const producer = await client.producer();
  t.after(() => producer.close());
  // Interleave keys the way cars do: seq 0 of every car, then seq 1 of every car, ...
  const BATCH = 500;
  let batch: { topic: string; key: string; value: string; headers: Record<string, string> }[] = [];
  for (let seq = 0; seq < PER_KEY; seq++) {
    for (let k = 0; k < KEYS; k++) {
      batch.push({ topic, key: `KEY${String(k).padStart(3, '0')}`, value: JSON.stringify({ k, seq }), headers: { seq: String(seq) } });
      if (batch.length === BATCH) {
        await producer.send(batch);
        batch = [];
      }
    }
  }
  await producer.send(batch);

  const deadline = setTimeout(() => done(), 60_000);
  await allIn;
  clearTimeout(deadline);

  assert.equal(received.length, TOTAL, 'every record arrives, and no more');
  const lastSeq = new Map<string, number>();
  const seen = new Set<string>();
  const partitionOf = new Map<string, number>();
  for (const r of received) {
    assert.ok(r.key !== null && r.value !== null);
    const { k, seq } = JSON.parse(r.value.toString()) as { k: number; seq: number };
    assert.equal(r.key, `KEY${String(k).padStart(3, '0')}`);
    assert.equal(r.headers.seq, String(seq), 'headers travel with the record');
    const id = `${r.key}/${seq}`;
    assert.ok(!seen.has(id), `duplicate ${id}`);
    seen.add(id);
    assert.equal(seq, (lastSeq.get(r.key) ?? -1) + 1, `order for ${r.key}`);
    lastSeq.set(r.key, seq);
    const p = partitionOf.get(r.key);
    if (p !== undefined) assert.equal(r.partition, p, 'one key, one partition');
    partitionOf.set(r.key, r.partition);
  }
  assert.equal(seen.size, TOTAL);
  assert.equal(new Set(partitionOf.values()).size, 4, 'keys spread over all partitions');
});

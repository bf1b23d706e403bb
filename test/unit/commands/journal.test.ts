/**
 * The command service's group commit (journal.ts) against a producer whose acknowledgements the
 * test releases by hand: one batch in flight, appends made meanwhile share the next batch in
 * append order, each append resolves with its batch's ack (or rejects with its failure only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from '../../../backend/services/commands/journal.js';
import type { OutRecord } from '../../../backend/kafka/types.js';

function handProducer() {
  const batches: { records: string[]; ack: () => void; fail: (e: Error) => void }[] = [];
  return {
    batches,
    send(records: readonly OutRecord[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        batches.push({ records: records.map((r) => String(r.value)), ack: resolve, fail: reject });
      });
    },
  };
}
const rec = (v: string): OutRecord => ({ topic: 't', key: 'k', value: v });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const state = (p: Promise<unknown>): Promise<string> =>
  Promise.race([
    p.then(
      () => 'resolved',
      () => 'rejected',
    ),
    tick().then(() => 'pending'),
  ]);

test('appends made while a batch is in flight go together in the next, in order', async () => {
  const producer = handProducer();
  const journal = new Journal(producer);
  const a = journal.append([rec('a1'), rec('a2')]);
  const b = journal.append([rec('b1')]);
  const c = journal.append([rec('c1'), rec('c2')]);
  assert.equal(producer.batches.length, 1, 'one batch in flight');
  assert.deepEqual(producer.batches[0]?.records, ['a1', 'a2']);
  assert.equal(await state(a), 'pending', 'not before the ack');
  assert.equal(journal.depth, 3, 'b and c wait');
  producer.batches[0]?.ack();
  assert.equal(await state(a), 'resolved');
  assert.equal(await state(b), 'pending');
  assert.deepEqual(producer.batches[1]?.records, ['b1', 'c1', 'c2']);
  producer.batches[1]?.ack();
  await Promise.all([b, c]);
  await journal.drained();
  assert.equal(producer.batches.length, 2);
  assert.equal(journal.depth, 0);
});

test('a failed batch rejects its own appends only; the next batch goes on', async () => {
  const producer = handProducer();
  const journal = new Journal(producer);
  const a = journal.append([rec('a')]);
  const b = journal.append([rec('b')]);
  producer.batches[0]?.fail(new Error('broker down'));
  await assert.rejects(a, /broker down/);
  await tick();
  producer.batches[1]?.ack();
  await b;
  assert.deepEqual(
    producer.batches.map((x) => x.records),
    [['a'], ['b']],
  );
});

test('maxBatchRecords splits between whole appends, never inside one', async () => {
  const producer = handProducer();
  const journal = new Journal(producer, { maxBatchRecords: 3 });
  const first = journal.append([rec('x')]);
  const rest = [
    journal.append([rec('a1'), rec('a2')]),
    journal.append([rec('b1'), rec('b2')]),
    journal.append([rec('c1'), rec('c2'), rec('c3'), rec('c4')]),
  ];
  producer.batches[0]?.ack();
  await first;
  assert.deepEqual(producer.batches[1]?.records, ['a1', 'a2'], 'b would make 4 > 3');
  producer.batches[1]?.ack();
  await tick();
  assert.deepEqual(producer.batches[2]?.records, ['b1', 'b2']);
  producer.batches[2]?.ack();
  await tick();
  assert.deepEqual(producer.batches[3]?.records, ['c1', 'c2', 'c3', 'c4'], 'an append larger than the limit goes alone');
  producer.batches[3]?.ack();
  await Promise.all(rest);
});

test('an empty append resolves at once without a produce; onBatch sees sizes', async () => {
  const sizes: number[] = [];
  const producer = handProducer();
  const journal = new Journal(producer, { onBatch: (n) => sizes.push(n) });
  await journal.append([]);
  assert.equal(producer.batches.length, 0);
  const a = journal.append([rec('a'), rec('b')]);
  producer.batches[0]?.ack();
  await a;
  assert.deepEqual(sizes, [2]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { KafkaSink, type KafkaSinkOptions } from '../../../backend/bridge/kafka-sink.js';
import type { OutRecord } from '../../../backend/kafka/types.js';
import { ScriptedProducer } from '../../helpers/scripted-producer.js';

const opts = (clock: ManualClock, over: Partial<KafkaSinkOptions> = {}): KafkaSinkOptions => ({
  maxBatchRecords: 3,
  maxBatchBytes: 1_000_000,
  lingerMs: 5,
  maxBufferedRecords: 6,
  retryMinMs: 10,
  retryMaxMs: 100,
  clock,
  ...over,
});
const rec = (key: string, seq: number): OutRecord => ({ topic: 't', key, value: `${key}:${seq}` });
const tick = () => new Promise<void>((r) => setImmediate(r));

test('records wait for the linger, then go out as one batch; promises resolve on ack', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const sink = new KafkaSink(producer, opts(clock));
  let acked = 0;
  void sink.append(rec('A', 0)).then(() => acked++);
  void sink.append(rec('A', 1)).then(() => acked++);
  assert.equal(producer.pending.length, 0);
  clock.advance(5);
  assert.equal(producer.pending.length, 1);
  assert.equal(producer.pending[0]!.records.length, 2);
  assert.equal(acked, 0, 'nothing is acknowledged before Kafka acks');
  producer.pending.shift()!.ok();
  await tick();
  assert.equal(acked, 2);
  assert.equal(sink.depth, 0);
});

test('a full batch goes out at once, and only one batch is in flight', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const sink = new KafkaSink(producer, opts(clock));
  for (let i = 0; i < 5; i++) void sink.append(rec('A', i));
  assert.equal(producer.pending.length, 1);
  assert.equal(producer.pending[0]!.records.length, 3);
  producer.pending.shift()!.ok();
  await tick();
  assert.equal(producer.pending.length, 1, 'the rest follows as soon as the first batch is acked');
  assert.deepEqual(
    producer.pending[0]!.records.map((r) => r.value),
    ['A:3', 'A:4'],
  );
});

test('a failed batch is retried with backoff before anything newer; order and records kept; push back while full', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  let drained = 0;
  const retries: number[] = [];
  const sink = new KafkaSink(producer, opts(clock), { onDrain: () => drained++, onRetry: (_e, d) => retries.push(d) });
  const acks: number[] = [];
  for (let i = 0; i < 3; i++) void sink.append(rec('A', i)).then(() => acks.push(i));
  producer.pending.shift()!.fail(new Error('broker down'));
  await tick();
  for (let i = 3; i < 9; i++) void sink.append(rec('A', i)).then(() => acks.push(i));
  assert.equal(sink.hasCapacity(), false, 'six buffered records: push back');
  assert.equal(producer.pending.length, 0, 'waiting for the retry timer');
  clock.advance(10);
  producer.pending.shift()!.fail(new Error('still down'));
  await tick();
  clock.advance(20);
  assert.deepEqual(
    producer.pending[0]!.records.map((r) => r.value),
    ['A:0', 'A:1', 'A:2'],
    'the same batch again, first',
  );
  producer.pending.shift()!.ok();
  await tick();
  for (;;) {
    const next = producer.pending.shift();
    if (next === undefined) break;
    next.ok();
    await tick();
  }
  assert.deepEqual(retries, [10, 20]);
  assert.deepEqual(acks, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(
    producer.sent.flat().map((r) => r.value),
    Array.from({ length: 9 }, (_, i) => `A:${i}`),
  );
  assert.equal(sink.hasCapacity(), true);
  assert.equal(drained, 1);
});

test('flushed() waits for everything appended so far', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const sink = new KafkaSink(producer, opts(clock, { lingerMs: 1000 }));
  void sink.append(rec('B', 0));
  let done = false;
  const f = sink.flushed().then(() => (done = true));
  assert.equal(producer.pending.length, 1, 'flush does not wait for the linger');
  producer.pending.shift()!.ok();
  await f;
  assert.equal(done, true);
});

test('abort() fails what is buffered and in flight, and stops retrying', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const sink = new KafkaSink(producer, opts(clock));
  const outcomes: string[] = [];
  for (let i = 0; i < 4; i++)
    void sink.append(rec('C', i)).then(
      () => outcomes.push(`ok${i}`),
      () => outcomes.push(`failed${i}`),
    );
  producer.pending.shift()!.fail(new Error('down'));
  await tick();
  sink.abort(new Error('closing'));
  await tick();
  clock.advance(10_000);
  assert.equal(producer.pending.length, 0, 'no retry after abort');
  assert.equal(clock.pending(), 0, 'no timer left behind');
  assert.deepEqual(outcomes.sort(), ['failed0', 'failed1', 'failed2', 'failed3']);
});

/**
 * The one Kafka write path (backend/kafka/writer.ts) against producers the test drives: group
 * commit, whole appends, retries with backoff before anything newer, push back, and records Kafka
 * refuses for good found by halving the batch and dead-lettered while the rest goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { V2xError, isV2xError } from '../../../core/errors.js';
import type { DeadLetter } from '../../../protocol/index.js';
import { KafkaProduceError } from '../../../backend/kafka/produce-error.js';
import type { OutRecord, Producer } from '../../../backend/kafka/types.js';
import { KafkaWriter, type KafkaWriterEvents, type KafkaWriterOptions } from '../../../backend/kafka/writer.js';
import { ScriptedProducer } from '../../helpers/scripted-producer.js';

const opts = (clock: ManualClock, over: Partial<KafkaWriterOptions> = {}): KafkaWriterOptions => ({
  name: 'test',
  maxBatchRecords: 3,
  maxBatchBytes: 1_000_000,
  lingerMs: 5,
  maxBufferedRecords: 6,
  retry: { minMs: 10, maxMs: 100 },
  deadLetterTopic: 'dlq',
  clock,
  ...over,
});
const rec = (key: string, seq: number): OutRecord => ({ topic: 't', key, value: `${key}:${seq}` });
const tick = () => new Promise<void>((r) => setImmediate(r));
const values = (records: readonly OutRecord[]) => records.map((r) => String(r.value));
const tooLarge = () =>
  new KafkaProduceError({
    retriable: false,
    kafkaError: 'MESSAGE_TOO_LARGE',
    message: 'The request included a message larger than the max',
  });

/** A producer that answers at once: refuses any batch `refuse` picks, acknowledges the rest. */
class RuleProducer implements Producer {
  readonly calls: string[][] = [];
  readonly written: OutRecord[] = [];
  constructor(readonly refuse: (records: readonly OutRecord[]) => Error | undefined) {}
  async send(records: readonly OutRecord[]): Promise<void> {
    this.calls.push(values(records));
    const err = this.refuse(records);
    if (err !== undefined) throw err;
    this.written.push(...records);
  }
  async close(): Promise<void> {}
}

test('records wait for the linger, then go out as one batch; promises resolve on ack', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const writer = new KafkaWriter(producer, opts(clock));
  let acked = 0;
  void writer.append(rec('A', 0)).then(() => acked++);
  void writer.append(rec('A', 1)).then(() => acked++);
  assert.equal(producer.pending.length, 0);
  clock.advance(5);
  assert.deepEqual(values(producer.pending[0]!.records), ['A:0', 'A:1']);
  assert.equal(acked, 0, 'nothing is acknowledged before Kafka acks');
  producer.pending.shift()!.ok();
  await tick();
  assert.equal(acked, 2);
  assert.equal(writer.depth, 0);
});

test('group commit: one batch in flight; what arrives meanwhile goes together in the next, in order', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const writer = new KafkaWriter(producer, opts(clock, { lingerMs: 0, maxBatchRecords: 100 }));
  void writer.append(rec('A', 0));
  await tick();
  assert.equal(producer.pending.length, 1, 'linger 0: sent in the same turn');
  for (let i = 1; i < 5; i++) void writer.append(rec('A', i));
  await tick();
  assert.equal(producer.pending.length, 1, 'still one in flight');
  producer.pending.shift()!.ok();
  await tick();
  assert.deepEqual(values(producer.pending[0]!.records), ['A:1', 'A:2', 'A:3', 'A:4']);
});

test('appendAll: an append is never split over two batches; one larger than the limit goes alone', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const writer = new KafkaWriter(producer, opts(clock, { lingerMs: 0, maxBufferedRecords: 100 }));
  const first = writer.appendAll([rec('x', 0)]);
  const rest = [
    writer.appendAll([rec('a', 1), rec('a', 2)]),
    writer.appendAll([rec('b', 1), rec('b', 2)]),
    writer.appendAll([rec('c', 1), rec('c', 2), rec('c', 3), rec('c', 4)]),
  ];
  await tick();
  assert.deepEqual(values(producer.pending[0]!.records), ['x:0', 'a:1', 'a:2'], 'b would make 5 > 3');
  producer.pending.shift()!.ok();
  await first;
  await tick();
  assert.deepEqual(values(producer.pending[0]!.records), ['b:1', 'b:2']);
  producer.pending.shift()!.ok();
  await tick();
  assert.deepEqual(values(producer.pending[0]!.records), ['c:1', 'c:2', 'c:3', 'c:4']);
  producer.pending.shift()!.ok();
  await Promise.all(rest);
  assert.equal(await writer.appendAll([]), undefined, 'an empty append resolves at once');
  assert.equal(producer.pending.length, 0);
});

test('a retryable failure: the same batch again after a doubling backoff, before anything newer; push back while full', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  let drained = 0;
  const retries: number[] = [];
  const events: KafkaWriterEvents = { onDrain: () => drained++, onRetry: (_e, d) => retries.push(d) };
  const writer = new KafkaWriter(producer, opts(clock), events);
  const acks: number[] = [];
  for (let i = 0; i < 3; i++) void writer.append(rec('A', i)).then(() => acks.push(i));
  producer.pending.shift()!.fail(new Error('broker down'));
  await tick();
  for (let i = 3; i < 9; i++) void writer.append(rec('A', i)).then(() => acks.push(i));
  assert.equal(writer.hasCapacity(), false, 'six waiting: push back');
  let room = false;
  void writer.capacity().then(() => (room = true));
  assert.equal(producer.pending.length, 0, 'waiting for the retry timer');
  clock.advance(10);
  await tick();
  producer.pending.shift()!.fail(new KafkaProduceError({ retriable: true, kafkaError: 'NOT_LEADER_FOR_PARTITION', message: 'moved' }));
  await tick();
  clock.advance(20);
  await tick();
  assert.deepEqual(values(producer.pending[0]!.records), ['A:0', 'A:1', 'A:2'], 'the same batch again, first');
  producer.pending.shift()!.ok();
  await tick();
  for (let next = producer.pending.shift(); next !== undefined; next = producer.pending.shift()) {
    next.ok();
    await tick();
  }
  assert.deepEqual(retries, [10, 20]);
  assert.deepEqual(acks, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(
    values(producer.sent.flat()),
    Array.from({ length: 9 }, (_, i) => `A:${i}`),
  );
  assert.equal(writer.hasCapacity(), true);
  assert.equal(room, true, 'capacity() waiters are released');
  assert.equal(drained, 1);
});

test('a record Kafka refuses for good is dead-lettered with its reason; the records around it go on, in order', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const producer = new RuleProducer((records) => (records.some((r) => r.value === 'A:2') ? tooLarge() : undefined));
  const dead: string[] = [];
  const writer = new KafkaWriter(producer, opts(clock, { maxBatchRecords: 8, lingerMs: 0 }), {
    onDeadLetter: (r, e) => dead.push(`${String(r.value)} ${e.code}`),
  });
  const outcomes = Array.from({ length: 6 }, (_, i) => writer.append(rec('A', i)));
  const behind = writer.append(rec('B', 0));
  await Promise.all([...outcomes, behind]);
  assert.deepEqual(dead, ['A:2 KAFKA_RECORD_REFUSED']);
  assert.deepEqual(
    values(producer.written.filter((r) => r.topic === 't')),
    ['A:0', 'A:1', 'A:3', 'A:4', 'A:5', 'B:0'],
    'everything but the refused record, in order',
  );
  assert.deepEqual(producer.calls[0], ['A:0', 'A:1', 'A:2', 'A:3', 'A:4', 'A:5', 'B:0'], 'the first batch');
  const letters = producer.written.filter((r) => r.topic === 'dlq');
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.key, 'A');
  assert.equal(letters[0]!.headers?.['v2x-reason'], 'KAFKA_RECORD_REFUSED');
  assert.equal(letters[0]!.headers?.['v2x-refused-topic'], 't');
  const letter = JSON.parse(String(letters[0]!.value)) as DeadLetter;
  assert.equal(letter.reason, 'KAFKA_RECORD_REFUSED');
  assert.equal(letter.rule, 'MESSAGE_TOO_LARGE');
  assert.equal(letter.source, 'kafka:t');
  assert.equal(letter.refusedBy, 'kafka');
  assert.equal(letter.at, 1_700_000_000_000);
  assert.equal(Buffer.from(letter.payloadBase64, 'base64').toString(), 'A:2');
  assert.equal(writer.stats.deadLettered, 1);
  assert.equal(writer.depth, 0);
});

test('rejectRefused: the append rejects with KAFKA_RECORD_REFUSED (and is dead-lettered all the same)', async () => {
  const clock = new ManualClock();
  const producer = new RuleProducer((records) => (records.some((r) => r.key === 'bad' && r.topic === 't') ? tooLarge() : undefined));
  const writer = new KafkaWriter(producer, opts(clock, { lingerMs: 0 }));
  const ok = writer.append(rec('good', 0), { rejectRefused: true });
  const refused = writer.appendAll([rec('bad', 0), rec('good', 1)], { rejectRefused: true });
  await ok;
  await assert.rejects(
    refused,
    (err: unknown) => isV2xError(err, 'KAFKA_RECORD_REFUSED') && !err.retryable && /MESSAGE_TOO_LARGE/.test(err.message),
  );
  assert.deepEqual(
    producer.written.map((r) => `${r.topic}/${r.key}`),
    ['t/good', 'dlq/bad', 't/good'],
    'the refused record dead-lettered in its place',
  );
});

test('a batch refused only for its size goes through in halves, nothing dead-lettered', async () => {
  const clock = new ManualClock();
  const producer = new RuleProducer((records) => (records.length > 2 ? tooLarge() : undefined));
  const writer = new KafkaWriter(producer, opts(clock, { maxBatchRecords: 8, lingerMs: 0 }));
  await Promise.all(Array.from({ length: 7 }, (_, i) => writer.append(rec('A', i))));
  assert.deepEqual(
    values(producer.written),
    Array.from({ length: 7 }, (_, i) => `A:${i}`),
  );
  assert.equal(writer.stats.deadLettered, 0);
});

test('a refused dead letter is not dead-lettered again: its append fails', async () => {
  const clock = new ManualClock();
  const producer = new RuleProducer(() => tooLarge());
  const writer = new KafkaWriter(producer, opts(clock, { lingerMs: 0 }));
  await assert.rejects(writer.append({ topic: 'dlq', key: null, value: 'x' }), /MESSAGE_TOO_LARGE/);
  await assert.rejects(writer.append(rec('A', 0)), /its dead letter to dlq failed as well/);
  assert.deepEqual(producer.calls, [['x'], ['A:0'], [producer.calls[2]![0]!]], 'one try each, no loop');
});

test('a failure that is neither retryable nor a refusal fails its batch at once (no retry, no dead letter)', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const writer = new KafkaWriter(producer, opts(clock, { lingerMs: 0 }));
  const a = writer.append(rec('A', 0));
  await tick();
  producer.pending.shift()!.fail(new V2xError('KAFKA_PRODUCER_CLOSED', 'gone'));
  await assert.rejects(a, /KAFKA_PRODUCER_CLOSED|closed/);
  assert.equal(producer.pending.length, 0);
  assert.equal(clock.pending(), 0);
});

test('flushed() waits for everything appended so far, without waiting for the linger', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const writer = new KafkaWriter(producer, opts(clock, { lingerMs: 1000 }));
  void writer.append(rec('B', 0));
  let done = false;
  const f = writer.flushed().then(() => (done = true));
  assert.equal(producer.pending.length, 1);
  assert.equal(done, false);
  producer.pending.shift()!.ok();
  await f;
  assert.equal(done, true);
});

test('abort() fails what is buffered and in flight and stops retrying; closeWithin gives up after its time', async () => {
  const clock = new ManualClock();
  const producer = new ScriptedProducer();
  const writer = new KafkaWriter(producer, opts(clock));
  const outcomes: string[] = [];
  for (let i = 0; i < 4; i++)
    void writer.append(rec('C', i)).then(
      () => outcomes.push(`ok${i}`),
      () => outcomes.push(`failed${i}`),
    );
  producer.pending.shift()!.fail(new Error('down'));
  await tick();
  writer.abort(new Error('closing'));
  await tick();
  clock.advance(10_000);
  assert.equal(producer.pending.length, 0, 'no retry after abort');
  assert.equal(clock.pending(), 0, 'no timer left behind');
  assert.deepEqual(outcomes.sort(), ['failed0', 'failed1', 'failed2', 'failed3']);

  const other = new KafkaWriter(producer, opts(clock, { lingerMs: 0 }));
  const stuck = other.append(rec('D', 0));
  await tick();
  const closing = other.closeWithin(500);
  await assert.rejects(other.append(rec('D', 1)), /closed/, 'no new records once closing');
  clock.advance(500);
  assert.equal(await closing, 1);
  await assert.rejects(stuck, (err: unknown) => isV2xError(err, 'KAFKA_PRODUCER_CLOSED'));
});

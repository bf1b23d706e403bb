import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../core/clock.js';
import { KafkaWriter, type KafkaWriterOptions } from '../../../backend/kafka/writer.js';
import { LanedSink, laneOf } from '../../../backend/bridge/laned-sink.js';
import type { OutRecord } from '../../../backend/kafka/types.js';
import { testVin } from '../../helpers/backend.js';
import { ScriptedProducer } from '../../helpers/scripted-producer.js';

const options = (clock: ManualClock): KafkaWriterOptions => ({
  name: 'bridge',
  maxBatchRecords: 100,
  maxBatchBytes: 1 << 20,
  lingerMs: 0,
  maxBufferedRecords: 1000,
  retry: { minMs: 10, maxMs: 100 },
  deadLetterTopic: 'deadletter',
  clock,
});
const tick = () => new Promise<void>((r) => setImmediate(r));

test('laneOf is stable, in range, and spreads VINs over the lanes', () => {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 4000; i++) {
    const lane = laneOf(testVin(i), 4);
    assert.equal(lane, laneOf(testVin(i), 4));
    counts[lane]!++;
  }
  for (const c of counts) assert.ok(c > 800 && c < 1200, `uneven spread ${counts.join(',')}`);
  assert.equal(laneOf(null, 4), 0);
  assert.equal(laneOf('anything', 1), 0);
});

test("a failing lane holds back only its own cars, and each car's order survives the retry", async () => {
  const clock = new ManualClock();
  const producers = [new ScriptedProducer(), new ScriptedProducer()];
  const sink = new LanedSink(producers.map((p) => new KafkaWriter(p, options(clock))));
  const vins = Array.from({ length: 16 }, (_, i) => testVin(i));
  const vinA = vins.find((v) => laneOf(v, 2) === 0)!;
  const vinB = vins.find((v) => laneOf(v, 2) === 1)!;
  const acked: string[] = [];
  const rec = (vin: string, n: number): OutRecord => ({ topic: 't', key: vin, value: `${vin}#${n}` });
  for (const n of [0, 1]) {
    void sink.append(rec(vinA, n)).then(() => acked.push(`A${n}`));
    void sink.append(rec(vinB, n)).then(() => acked.push(`B${n}`));
  }
  await tick();
  const [laneA, laneB] = producers as [ScriptedProducer, ScriptedProducer];
  assert.equal(laneA.pending.length, 1);
  assert.equal(laneB.pending.length, 1);
  // Lane A's batch fails; lane B's succeeds and acknowledges car B's records on its own.
  laneA.pending[0]!.fail(new Error('broker down'));
  laneB.pending[0]!.ok();
  await tick();
  assert.deepEqual(acked, ['B0', 'B1']);
  // A later record of car A queues behind the failed batch, never beside it.
  void sink.append(rec(vinA, 2)).then(() => acked.push('A2'));
  assert.equal(laneA.pending.length, 1);
  clock.advance(10);
  await tick();
  assert.equal(laneA.pending.length, 2);
  assert.deepEqual(
    laneA.pending[1]!.records.map((r) => r.value),
    [`${vinA}#0`, `${vinA}#1`],
  );
  laneA.pending[1]!.ok();
  await tick();
  await tick();
  assert.deepEqual(
    laneA.pending[2]!.records.map((r) => r.value),
    [`${vinA}#2`],
  );
  laneA.pending[2]!.ok();
  await sink.flushed();
  assert.deepEqual(acked, ['B0', 'B1', 'A0', 'A1', 'A2']);
  assert.equal(sink.depth, 0);
  assert.equal(sink.stats.recordsSent, 5);
});

test("the express lane carries its topics past a telemetry batch in flight, each car's results in order", async () => {
  const clock = new ManualClock();
  const main = new ScriptedProducer();
  const fast = new ScriptedProducer();
  const sink = new LanedSink([new KafkaWriter(main, options(clock))], {
    lane: new KafkaWriter(fast, options(clock)),
    topics: new Set(['results']),
  });
  const vin = testVin(1);
  const acked: string[] = [];
  void sink.append({ topic: 'telemetry', key: vin, value: 't0' }).then(() => acked.push('t0'));
  await tick();
  assert.equal(main.pending.length, 1, 'a telemetry batch is in flight');
  void sink.append({ topic: 'telemetry', key: vin, value: 't1' }).then(() => acked.push('t1'));
  void sink.append({ topic: 'results', key: vin, value: 'delivered' }).then(() => acked.push('delivered'));
  void sink.append({ topic: 'results', key: vin, value: 'succeeded' }).then(() => acked.push('succeeded'));
  await tick();
  assert.equal(main.pending.length, 1, 'the next telemetry record waits for the batch in flight');
  assert.equal(fast.pending.length, 1, 'the results go at once');
  assert.deepEqual(
    fast.pending[0]!.records.map((r) => r.value),
    ['delivered', 'succeeded'],
  );
  assert.equal(sink.depth, 4);
  fast.pending[0]!.ok();
  await tick();
  assert.deepEqual(acked, ['delivered', 'succeeded']);
  main.pending[0]!.ok();
  await tick();
  await tick();
  main.pending[1]!.ok();
  await sink.flushed();
  assert.deepEqual(acked, ['delivered', 'succeeded', 't0', 't1']);
  assert.equal(sink.stats.recordsSent, 4);
  assert.equal(sink.stats.batchesSent, 3);
});

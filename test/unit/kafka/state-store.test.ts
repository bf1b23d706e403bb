/** The generic state store: put/delete give changelog records; assign drops revoked partitions and restores added ones. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EPOCH_HEADER, epochMarkerKey, StateStore, type ChangelogReader, type StateCodec } from '../../../backend/kafka/state-store.js';
import { partitionOfKey } from '../../../backend/kafka/partitioner.js';
import type { InRecord, OutRecord } from '../../../backend/kafka/types.js';

const codec: StateCodec<{ n: number }> = {
  encode: (v) => JSON.stringify(v),
  decode: (b) => {
    const v = JSON.parse(b.toString('utf8')) as { n?: unknown };
    return typeof v.n === 'number' ? { n: v.n } : undefined;
  },
};

/** A changelog in memory: what the store wrote (as Kafka would hold it, per partition) and what a reader sees. */
class FakeChangelog implements ChangelogReader {
  readonly partitions = new Map<number, InRecord[]>();
  reads: number[][] = [];
  append(partition: number, r: OutRecord): void {
    const list = this.partitions.get(partition) ?? [];
    this.partitions.set(partition, list);
    const value = r.value === null ? null : Buffer.from(r.value);
    list.push({ topic: r.topic, partition, offset: String(list.length), key: r.key, value, headers: r.headers ?? {}, timestamp: 0 });
  }
  async read(partitions: readonly number[], each: (r: InRecord) => void): Promise<void> {
    this.reads.push([...partitions]);
    for (const p of partitions) for (const r of this.partitions.get(p) ?? []) each(r);
  }
}

test('put and delete hand back the changelog records; a key of an unassigned partition is refused', async () => {
  const log = new FakeChangelog();
  const store = new StateStore({ topic: 'state', codec, reader: log, headers: { 'v2x-kind': 'x' } });
  assert.throws(() => store.put(0, 'a', { n: 1 }), /partition 0 is not assigned here/);
  await store.assign([0, 1]);
  assert.deepEqual(store.put(0, 'a', { n: 1 }), { topic: 'state', key: 'a', value: '{"n":1}', headers: { 'v2x-kind': 'x' } });
  assert.deepEqual(store.get('a'), { n: 1 });
  assert.equal(store.partitionOf('a'), 0);
  assert.deepEqual(store.delete('a'), { topic: 'state', key: 'a', value: null, headers: { 'v2x-kind': 'x' } });
  assert.equal(store.delete('a'), undefined, 'nothing to delete twice');
  assert.equal(store.size, 0);
});

test('restore on assignment: the latest value per key, tombstones and unreadable values removing it; revoked keys dropped', async () => {
  const log = new FakeChangelog();
  const a = new StateStore({ topic: 'state', codec, reader: log });
  await a.assign([0, 1, 2]);
  const write = (p: number, r: OutRecord | undefined): void => (r === undefined ? undefined : log.append(p, r));
  write(0, a.put(0, 'car-1', { n: 1 }));
  write(0, a.put(0, 'car-1', { n: 2 }));
  write(1, a.put(1, 'car-2', { n: 5 }));
  write(1, a.delete('car-2'));
  write(2, a.put(2, 'car-3', { n: 7 }));
  log.append(2, { topic: 'state', key: 'car-4', value: '{"bad":true}' });

  // another instance takes partitions 0 and 2 (the first one's revoked), restoring them before handling input
  const b = new StateStore({ topic: 'state', codec, reader: log });
  const got = await b.assign([0, 2]);
  assert.deepEqual(got.added, [0, 2]);
  assert.deepEqual([...got.restored].sort(), [
    ['car-1', { n: 2 }],
    ['car-3', { n: 7 }],
  ]);
  assert.equal(got.recordsRead, 4);
  assert.equal(b.partitionOf('car-3'), 2);

  const dropped = await a.assign([1]);
  assert.deepEqual(dropped.revoked, [0, 2]);
  assert.deepEqual([...dropped.dropped].sort(), ['car-1', 'car-3']);
  assert.deepEqual(dropped.added, [], 'a kept partition is not restored again');
  assert.equal(a.get('car-1'), undefined);

  // a partition kept across a rebalance keeps its state without reading the changelog
  log.reads = [];
  const again = await b.assign([0, 1, 2]);
  assert.deepEqual(again.added, [1]);
  assert.deepEqual(log.reads, [[1]]);
  assert.deepEqual(b.get('car-1'), { n: 2 });
});

test('a failed restore leaves the partitions unassigned, so the next assignment restores them', async () => {
  let fail = true;
  const log = new FakeChangelog();
  log.append(0, { topic: 'state', key: 'k', value: '{"n":3}' });
  const reader: ChangelogReader = {
    read: async (ps, each) => {
      if (fail) throw new Error('Kafka away');
      await log.read(ps, each);
    },
  };
  const store = new StateStore({ topic: 'state', codec, reader });
  await assert.rejects(store.assign([0]), /Kafka away/);
  assert.equal(store.owns(0), false);
  fail = false;
  const got = await store.assign([0]);
  assert.deepEqual(got.added, [0]);
  assert.deepEqual(store.get('k'), { n: 3 });
});

test("epochs fence stale writers: a zombie's writes after the new owner's marker are never restored", async () => {
  for (let p = 0; p < 12; p++) assert.equal(partitionOfKey(epochMarkerKey(p, 12), 12), p, 'the marker lands in the partition it fences');
  const log = new FakeChangelog();
  const fenced: ChangelogReader = { read: async (parts, each) => (await log.read(parts, each), { partitionCount: 12 }) };
  const write = (r: OutRecord | undefined): void => (r === undefined ? undefined : log.append(0, r));

  const a = new StateStore({ topic: 'state', codec, reader: fenced });
  const first = await a.assign([0]);
  assert.equal(first.markers.length, 1);
  assert.equal(first.markers[0]?.headers?.[EPOCH_HEADER], '1');
  first.markers.forEach(write);
  write(a.put(0, 'car-1', { n: 1 }));
  assert.equal(a.put(0, 'car-1', { n: 1 }).headers?.[EPOCH_HEADER], '1');

  // B takes partition 0 over (A paused past its session): epoch 2, its marker written first
  const b = new StateStore({ topic: 'state', codec, reader: fenced });
  const second = await b.assign([0]);
  assert.equal(second.markers[0]?.headers?.[EPOCH_HEADER], '2');
  assert.deepEqual(second.restored.get('car-1'), { n: 1 });
  second.markers.forEach(write);
  // A wakes up and, not knowing yet, writes: stale; B writes on
  write(a.put(0, 'car-1', { n: 99 }));
  write(a.put(0, 'car-3', { n: 3 }));
  write(b.put(0, 'car-2', { n: 2 }));

  const c = new StateStore({ topic: 'state', codec, reader: fenced });
  const third = await c.assign([0]);
  assert.equal(third.fenced, 2, "the zombie's two writes");
  assert.deepEqual([...third.restored].sort(), [
    ['car-1', { n: 1 }],
    ['car-2', { n: 2 }],
  ]);
  assert.equal(third.markers[0]?.headers?.[EPOCH_HEADER], '3');
});

/**
 * The retained index answers exact patterns without the store's scan, passes wildcard patterns to
 * it, and follows deletes (empty payload) and replaces. A stand-in store records the scans.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { withRetainedIndex, type RetainedStore } from '../../../backend/broker/retained-index.js';

function scanningStore() {
  const retained = new Map<string, { topic: string; payload: Buffer }>();
  const scans: string[][] = [];
  const matches = (pattern: string, topic: string) =>
    pattern.endsWith('#') ? topic.startsWith(pattern.slice(0, -1)) : new RegExp(`^${pattern.replaceAll('+', '[^/]+')}$`).test(topic);
  const store: RetainedStore = {
    storeRetained(packet) {
      if (packet.payload.length === 0) retained.delete(packet.topic);
      else retained.set(packet.topic, packet);
      return Promise.resolve();
    },
    createRetainedStream: (p) => store.createRetainedStreamCombi([p]),
    createRetainedStreamCombi(patterns) {
      scans.push(patterns);
      return Readable.from([...retained.values()].filter((r) => patterns.some((p) => matches(p, r.topic))));
    },
  };
  return { store, scans };
}

const topics = async (s: Readable): Promise<string[]> => (await s.toArray()).map((p: { topic: string }) => p.topic).sort();

test('exact patterns are answered from the index; wildcard patterns go to the store', async () => {
  const { store, scans } = scanningStore();
  withRetainedIndex(store);
  for (let i = 0; i < 5; i++) await store.storeRetained({ topic: `v2x/v1/CAR${i}/status`, payload: Buffer.from(`s${i}`) });
  assert.deepEqual(await topics(store.createRetainedStreamCombi(['v2x/v1/CAR1/status', 'v2x/v1/CAR1/cmd/req'])), ['v2x/v1/CAR1/status']);
  assert.deepEqual(await topics(store.createRetainedStream('v2x/v1/CAR3/status')), ['v2x/v1/CAR3/status']);
  assert.deepEqual(scans, [], 'no scan for exact patterns');
  assert.equal((await topics(store.createRetainedStreamCombi(['v2x/v1/+/status', 'v2x/v1/CAR0/status']))).length, 6);
  assert.deepEqual(scans, [['v2x/v1/+/status']], 'only the wildcard pattern is scanned');
});

test('a delete (empty payload) and a replace are followed by the index', async () => {
  const { store } = scanningStore();
  withRetainedIndex(store);
  await store.storeRetained({ topic: 'a/b', payload: Buffer.from('1') });
  await store.storeRetained({ topic: 'a/b', payload: Buffer.from('2') });
  const [packet] = (await store.createRetainedStream('a/b').toArray()) as { payload: Buffer }[];
  assert.equal(packet?.payload.toString(), '2');
  await store.storeRetained({ topic: 'a/b', payload: Buffer.alloc(0) });
  assert.deepEqual(await store.createRetainedStream('a/b').toArray(), []);
});

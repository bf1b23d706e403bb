/**
 * Positions (backend/kafka/rebalance.ts): what the @platformatic/kafka adapter hands out across a
 * rebalance. Its stream goes back to the committed offsets after every join and may still deliver
 * records fetched before it: records of partitions moved away are dropped, records already handled
 * in a partition kept are skipped, everything else is handed out once, in offset order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionKey, Positions } from '../../../backend/kafka/rebalance.js';

const rec = (partition: number, offset: number, topic = 't') => ({ topic, partition, offset: BigInt(offset) });
const offsets = (m: Map<string, { offset: bigint }[]>, partition: number, topic = 't'): number[] =>
  (m.get(partitionKey(topic, partition)) ?? []).map((r) => Number(r.offset));

test('Positions: before any assignment everything passes, grouped by partition in arrival order', () => {
  const p = new Positions();
  const b = p.batches([rec(0, 5), rec(1, 7), rec(0, 6)]);
  assert.deepEqual(offsets(b, 0), [5, 6]);
  assert.deepEqual(offsets(b, 1), [7]);
});

test('Positions: a kept partition whose stream went back to an older commit: what was handled is skipped', () => {
  const p = new Positions();
  p.assign(new Map([['t', [0, 1]]]));
  p.handled(partitionKey('t', 0), 10n); // offsets 0..9 handled, the commit of 10 not landed
  p.assign(new Map([['t', [0]]])); // the rebalance: partition 1 moved away, 0 kept
  // still on its way from before the join: 10, 11; then the stream again from the commit (8)
  const b = p.batches([rec(0, 10), rec(0, 11), rec(1, 3), rec(0, 8), rec(0, 9), rec(0, 10), rec(0, 11), rec(0, 12)]);
  assert.deepEqual(offsets(b, 0), [10, 11, 12], 'each offset once, none below what was handled');
  assert.deepEqual(offsets(b, 1), [], 'the moved partition is its new owner’s');
  assert.equal(p.skipped, 4);
  assert.equal(p.dropped, 1);
});

test('Positions: a partition that moves away and comes back starts from its commit, not from what was handled here', () => {
  const p = new Positions();
  p.assign(new Map([['t', [0]]]));
  p.handled(partitionKey('t', 0), 50n);
  p.assign(new Map([['t', [1]]]));
  p.handled(partitionKey('t', 0), 60n); // a batch in flight when it moved: not remembered
  p.assign(new Map([['t', [0, 1]]]));
  // back: the other owner committed 40 and died before handling more (its records go again)
  assert.deepEqual(offsets(p.batches([rec(0, 40), rec(0, 41)]), 0), [40, 41]);
});

test('Positions: an assignment the library did not give filters nothing', () => {
  const p = new Positions();
  p.assign(new Map([['t', [0]]]));
  p.assign(undefined);
  assert.ok(p.owns(partitionKey('t', 3)));
  assert.deepEqual(offsets(p.batches([rec(3, 1)]), 3), [1]);
});

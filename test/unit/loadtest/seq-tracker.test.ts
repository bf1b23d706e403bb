import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeqTracker, mergeSeqSnapshots } from '../../../loadtest/metrics/seq-tracker.js';

test('in-order messages: nothing lost, duplicated or reordered', () => {
  const t = new SeqTracker();
  for (let s = 0; s < 1000; s++) {
    assert.equal(t.observe('A', s), 'new');
    assert.equal(t.observe('B', s + 7), 'new');
  }
  assert.deepEqual(t.snapshot(), { cars: 2, received: 2000, distinct: 2000, duplicates: 0, reordered: 0, lost: 0 });
});

test('gaps count as lost until the late message arrives', () => {
  const t = new SeqTracker();
  for (const s of [1, 2, 3, 6, 7]) t.observe('A', s);
  assert.equal(t.snapshot().lost, 2);
  assert.equal(t.observe('A', 5), 'reordered');
  assert.equal(t.observe('A', 4), 'reordered');
  assert.deepEqual(t.snapshot(), { cars: 1, received: 7, distinct: 7, duplicates: 0, reordered: 2, lost: 0 });
});

test('duplicates: the highest seq again, and a seq inside the window seen before', () => {
  const t = new SeqTracker();
  for (const s of [10, 11, 12]) t.observe('A', s);
  assert.equal(t.observe('A', 12), 'duplicate');
  assert.equal(t.observe('A', 10), 'duplicate');
  for (let s = 13; s < 60; s++) t.observe('A', s);
  assert.equal(t.observe('A', 11), 'duplicate', '48 back: in the second window word');
  assert.equal(t.observe('A', 20), 'duplicate');
  const snap = t.snapshot();
  assert.equal(snap.duplicates, 4);
  assert.equal(snap.distinct, 50);
  assert.equal(snap.lost, 0);
});

test('window shifts keep bits across the 32-bit word boundary', () => {
  const t = new SeqTracker();
  t.observe('A', 0);
  t.observe('A', 40); // shift by 40: seq 0 now 40 back (second word)
  assert.equal(t.observe('A', 0), 'duplicate');
  t.observe('A', 45); // shift by 5 across words: seq 0 now 45 back
  assert.equal(t.observe('A', 0), 'duplicate');
  assert.equal(t.observe('A', 40), 'duplicate');
  assert.equal(t.observe('A', 10), 'reordered');
  t.observe('A', 200); // beyond the window: everything forgotten
  assert.equal(t.observe('A', 150), 'reordered');
  const s = t.snapshot();
  assert.equal(s.lost, 201 - s.distinct);
});

test('a message older than the window counts as reordered, and a lower first seq moves the start', () => {
  const t = new SeqTracker();
  t.observe('A', 100);
  t.observe('A', 99);
  assert.equal(t.snapshot().lost, 0);
  for (let s = 101; s < 300; s++) t.observe('A', s);
  assert.equal(t.observe('A', 50), 'reordered');
  const s = t.snapshot();
  assert.equal(s.lost, 300 - 50 - s.distinct);
});

test('memory-bounded at 100,000 cars and snapshots of disjoint cars add up', () => {
  const a = new SeqTracker();
  const b = new SeqTracker();
  for (let car = 0; car < 100_000; car++) {
    const t = car % 2 === 0 ? a : b;
    t.observe(`V${car}`, 0);
    t.observe(`V${car}`, car % 10 === 0 ? 2 : 1);
  }
  const total = mergeSeqSnapshots([a.snapshot(), b.snapshot()]);
  assert.equal(total.cars, 100_000);
  assert.equal(total.received, 200_000);
  assert.equal(total.lost, 10_000);
  assert.equal(total.duplicates, 0);
});

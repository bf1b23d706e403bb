/**
 * inOrderPerKey (backend/services/geofencing/actions.ts): fence actions of different cars are sent
 * side by side, those of one car one after another in the order the evaluator gave them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inOrderPerKey } from '../../../backend/services/geofencing/actions.js';

interface Item {
  readonly vin: string;
  readonly n: number;
}

test('inOrderPerKey: different keys run at once, one key one after another in order', async () => {
  const items: Item[] = [
    { vin: 'A', n: 1 },
    { vin: 'B', n: 1 },
    { vin: 'A', n: 2 },
    { vin: 'C', n: 1 },
    { vin: 'A', n: 3 },
  ];
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const done = inOrderPerKey(
    items,
    (i) => i.vin,
    (i) =>
      new Promise<void>((resolve) => {
        started.push(`${i.vin}${i.n}`);
        finish.set(`${i.vin}${i.n}`, resolve);
      }),
  );
  // the first of each key starts at once; A2 waits for A1
  assert.deepEqual(started, ['A1', 'B1', 'C1']);
  finish.get('B1')!();
  finish.get('A1')!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['A1', 'B1', 'C1', 'A2']);
  finish.get('A2')!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['A1', 'B1', 'C1', 'A2', 'A3']);
  let settled = false;
  void done.then(() => (settled = true));
  finish.get('A3')!();
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'C1 still runs');
  finish.get('C1')!();
  await done;
});

test('inOrderPerKey: nothing to run resolves at once', async () => {
  await inOrderPerKey(
    [],
    () => 'x',
    () => Promise.reject(new Error('never called')),
  );
});

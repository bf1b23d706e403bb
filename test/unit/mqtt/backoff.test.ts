import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffCeiling } from '../../../mqtt/backoff.js';

test('the ceiling doubles from base and stops at max', () => {
  const o = { baseMs: 100, maxMs: 1000, jitter: 0, seed: 1 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 60].map((n) => backoffCeiling(o, n)),
    [100, 200, 400, 800, 1000, 1000, 1000],
  );
  assert.equal(backoffCeiling({ ...o, factor: 3 }, 2), 900);
});

test('without jitter the schedule is exact, and reset starts over', () => {
  const b = new Backoff({ baseMs: 100, maxMs: 1000, jitter: 0, seed: 1 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000]);
  assert.equal(b.attempt, 5);
  b.reset();
  assert.equal(b.next(), 100);
});

test('jittered delays stay within [ceiling * (1 - jitter), ceiling]', () => {
  const b = new Backoff({ baseMs: 100, maxMs: 5000, jitter: 0.5, seed: 42 });
  for (let attempt = 0; attempt < 20; attempt++) {
    const ceiling = backoffCeiling(b.options, attempt);
    const d = b.next();
    assert.ok(d >= ceiling * 0.5 - 1 && d <= ceiling, `attempt ${attempt}: ${d} outside [${ceiling / 2}, ${ceiling}]`);
  }
});

test('the jitter is seeded: same seed same schedule, other seed other schedule', () => {
  const run = (seed: number): number[] => {
    const b = new Backoff({ baseMs: 1000, maxMs: 60_000, jitter: 1, seed });
    return Array.from({ length: 8 }, () => b.next());
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('cars with different seeds spread out after a broker restart', () => {
  const first = new Set<number>();
  for (let car = 0; car < 1000; car++) first.add(new Backoff({ baseMs: 1000, maxMs: 60_000, jitter: 1, seed: car }).next());
  assert.ok(first.size > 500, `only ${first.size} distinct first delays`);
});

test('bad options are refused', () => {
  assert.throws(() => new Backoff({ baseMs: 0, maxMs: 10, jitter: 0, seed: 1 }), RangeError);
  assert.throws(() => new Backoff({ baseMs: 10, maxMs: 5, jitter: 0, seed: 1 }), RangeError);
  assert.throws(() => new Backoff({ baseMs: 10, maxMs: 50, jitter: 2, seed: 1 }), RangeError);
});

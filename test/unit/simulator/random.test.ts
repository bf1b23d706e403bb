import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';

test('the same seed gives the same numbers; another seed or fork gives others', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const xs = Array.from({ length: 100 }, () => a.uint32());
  assert.deepEqual(
    Array.from({ length: 100 }, () => b.uint32()),
    xs,
  );
  assert.notDeepEqual(
    Array.from({ length: 100 }, () => new Rng(43).uint32()),
    xs,
  );
  assert.notEqual(new Rng(42).fork('x').uint32(), new Rng(42).fork('y').uint32());
  assert.equal(new Rng('munich').uint32(), new Rng('munich').uint32());
});

test('helpers stay in range and have the right moments', () => {
  const r = new Rng(7);
  let sum = 0;
  let sq = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    const k = r.int(3, 5);
    assert.ok(k >= 3 && k <= 5 && Number.isInteger(k));
    const z = r.normal(10, 2);
    sum += z;
    sq += z * z;
  }
  const mean = sum / n;
  const sd = Math.sqrt(sq / n - mean * mean);
  assert.ok(Math.abs(mean - 10) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.1, `sd ${sd}`);
  assert.equal(typeof r.pick(['a', 'b']), 'string');
  assert.throws(() => r.pick([]));
});

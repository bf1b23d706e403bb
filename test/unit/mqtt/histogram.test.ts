import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from '../../../core/histogram.js';

test('small values are exact', () => {
  const h = new Histogram();
  for (let v = 1; v <= 100; v++) h.record(v);
  assert.equal(h.count, 100);
  assert.equal(h.min, 1);
  assert.equal(h.max, 100);
  assert.equal(h.percentile(50), 50);
  assert.equal(h.percentile(99), 99);
  assert.equal(h.percentile(100), 100);
  assert.equal(h.mean, 50.5);
});

test('percentiles of a wide range stay within the relative precision', () => {
  const h = new Histogram(7);
  const values: number[] = [];
  let x = 12345;
  for (let i = 0; i < 100_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const v = Math.floor(Math.exp((x / 2 ** 32) * Math.log(5_000_000))); // 1 us .. 5 s, log-uniform
    values.push(v);
    h.record(v);
  }
  values.sort((a, b) => a - b);
  for (const p of [1, 10, 50, 90, 99, 99.9]) {
    const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
    const got = h.percentile(p);
    assert.ok(Math.abs(got - exact) <= Math.max(1, exact / 128), `p${p}: ${got} vs ${exact}`);
  }
});

test('bucket bounds are consistent', () => {
  const h = new Histogram(4);
  for (const v of [0, 1, 15, 16, 17, 31, 32, 33, 1000, 123_456_789, 2 ** 40 + 5]) {
    const i = h.indexOf(v);
    assert.ok(h.lowestOf(i) <= v && v <= h.highestOf(i), `${v} in bucket ${i} [${h.lowestOf(i)}, ${h.highestOf(i)}]`);
  }
});

test('merge equals recording everything in one histogram', () => {
  const a = new Histogram();
  const b = new Histogram();
  const all = new Histogram();
  for (let i = 0; i < 5000; i++) {
    const v = (i * 7919) % 100_000;
    (i % 2 === 0 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  assert.deepEqual(a.serialize(), all.serialize());
});

test('serialize is compact, JSON and structured-clone safe, and round-trips', () => {
  const h = new Histogram();
  for (let i = 0; i < 10_000; i++) h.record(200 + (i % 3000));
  const s = h.serialize();
  const wire = JSON.stringify(s);
  assert.ok(wire.length < 6000, `serialised form is ${wire.length} bytes`);
  const back = Histogram.deserialize(JSON.parse(wire));
  const cloned = Histogram.deserialize(structuredClone(s));
  for (const p of [50, 90, 99, 99.9]) {
    assert.equal(back.percentile(p), h.percentile(p));
    assert.equal(cloned.percentile(p), h.percentile(p));
  }
  assert.equal(back.count, h.count);
  assert.equal(back.mean, h.mean);
});

test('fractions round, negatives count as 0, empty gives 0, mismatched precision is refused', () => {
  const h = new Histogram();
  assert.equal(h.percentile(99), 0);
  h.record(-5);
  h.record(2.6);
  assert.equal(h.min, 0);
  assert.equal(h.max, 3);
  assert.throws(() => h.merge(new Histogram(5)), RangeError);
});

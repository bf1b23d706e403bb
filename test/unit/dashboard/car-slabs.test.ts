import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CarSlabs, SLAB_BYTES } from '../../../backend/dashboard/vehicles/car-slabs.js';

const bytes = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);

test('copies are equal to their source and do not share it', () => {
  const slabs = new CarSlabs();
  const src = bytes(470, 7);
  const c = slabs.copy('A', src);
  assert.deepEqual(Buffer.from(c), src);
  src.fill(0);
  assert.equal(c[0], 7, 'changing the source leaves the copy alone');
});

test("a car's copies share its own slab; another car's never do", () => {
  const slabs = new CarSlabs();
  const a1 = slabs.copy('A', bytes(470, 1));
  const b1 = slabs.copy('B', bytes(470, 2));
  const a2 = slabs.copy('A', bytes(470, 3));
  assert.equal(a1.buffer, a2.buffer);
  assert.notEqual(a1.buffer, b1.buffer);
  assert.equal(a1.buffer.byteLength, SLAB_BYTES);
  assert.deepEqual([a1[0], a2[0], b1[0]], [1, 3, 2]);
});

test('a full slab is followed by a new one; copies never overlap; a large payload gets its own buffer', () => {
  const slabs = new CarSlabs();
  const n = Math.floor(SLAB_BYTES / 470);
  const copies = Array.from({ length: n + 1 }, (_, i) => slabs.copy('A', bytes(470, i + 1)));
  assert.equal(copies[0]!.buffer, copies[n - 1]!.buffer);
  assert.notEqual(copies[n]!.buffer, copies[0]!.buffer, 'the payload that does not fit starts a new slab');
  copies.forEach((c, i) =>
    assert.ok(
      c.every((x) => x === i + 1),
      `copy ${i} intact`,
    ),
  );
  const big = slabs.copy('A', bytes(SLAB_BYTES, 9));
  assert.equal(big.buffer.byteLength, SLAB_BYTES);
  assert.notEqual(big.buffer, copies[n]!.buffer);
});

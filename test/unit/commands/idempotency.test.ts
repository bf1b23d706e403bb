/** Idempotency: the fingerprint ignores key order; same key + same body replays, another body conflicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical, decideIdempotency, fingerprint } from '../../../backend/services/commands/idempotency.js';
import { CommandBook } from '../../../backend/services/commands/book.js';
import type { CommandSnapshot } from '../../../backend/services/commands/types.js';

const VIN = '1V2XT0S0XNA000001';

test('canonical JSON sorts keys and drops undefined', () => {
  assert.equal(canonical({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
});

test('fingerprint: same body in any key order is equal; any change differs', () => {
  const a = fingerprint({ vin: VIN, type: 'climate_start', params: { targetC: 21 }, ttlSeconds: 60 });
  assert.equal(a, fingerprint({ ttlSeconds: 60, params: { targetC: 21 }, type: 'climate_start', vin: VIN }));
  assert.notEqual(a, fingerprint({ vin: VIN, type: 'climate_start', params: { targetC: 22 }, ttlSeconds: 60 }));
  assert.notEqual(a, fingerprint({ vin: VIN, type: 'climate_start', params: { targetC: 21 }, ttlSeconds: 61 }));
  assert.notEqual(a, fingerprint({ vin: '1V2XT0S0XNA000002', type: 'climate_start', params: { targetC: 21 }, ttlSeconds: 60 }));
});

test('decision: new, replay, conflict', () => {
  assert.deepEqual(decideIdempotency(undefined, 'x'), { kind: 'new' });
  assert.deepEqual(decideIdempotency({ commandId: 'c1', fingerprint: 'x' }, 'x'), { kind: 'replay', commandId: 'c1' });
  assert.deepEqual(decideIdempotency({ commandId: 'c1', fingerprint: 'x' }, 'y'), { kind: 'conflict', commandId: 'c1' });
});

test('the book finds a command by (principal, key): keys are per principal, and survive a rebuild (put again)', () => {
  const book = new CommandBook();
  const s: CommandSnapshot = {
    commandId: 'c1',
    vin: VIN,
    type: 'lock',
    params: {},
    status: 'SENT',
    createdAt: 1,
    expiresAt: 2,
    updatedAt: 1,
    principal: 'alice',
    idempotencyKey: 'k',
    fingerprint: 'f',
    sendCount: 1,
  };
  book.put(s);
  assert.equal(book.byIdempotencyKey('alice', 'k')?.commandId, 'c1');
  assert.equal(book.byIdempotencyKey('bob', 'k'), undefined);
  book.put({ ...s, status: 'SUCCEEDED' });
  assert.equal(book.byIdempotencyKey('alice', 'k')?.status, 'SUCCEEDED');
  assert.equal(book.pending().length, 0);
  assert.equal(book.forVin(VIN, 'SUCCEEDED').length, 1);
  assert.ok(book.isKnown(VIN));
  assert.ok(!book.isKnown('1V2XT0S0XNA000002'));
  assert.ok(book.isOnline('1V2XT0S0XNA000002'), 'a car never heard of is treated as online');
});

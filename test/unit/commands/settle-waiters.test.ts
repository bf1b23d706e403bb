import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCommandEvents } from '../../../backend/services/commands/events.js';
import { SettleWaiters } from '../../../backend/services/commands/settle-waiters.js';
import type { CommandSnapshot, LifecycleState, Transition } from '../../../backend/services/commands/types.js';

const transition = (commandId: string, to: LifecycleState): Transition => ({
  commandId,
  vin: 'V',
  from: null,
  to,
  at: 0,
  snapshot: {} as CommandSnapshot,
});

test('a waiter wakes on its command reaching a terminal state, not before and not for another command', async () => {
  const events = createCommandEvents();
  const w = new SettleWaiters(events);
  let settled: boolean | undefined;
  const p = w.wait('a', 60_000).then((v) => (settled = v));
  events.emit('transition', transition('a', 'SENT'));
  events.emit('transition', transition('b', 'SUCCEEDED'));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, undefined);
  assert.equal(w.size, 1);
  events.emit('transition', transition('a', 'REJECTED'));
  assert.equal(await p, true);
  assert.equal(w.size, 0);
});

test('a wait ends false at its timeout or when its signal aborts, and leaves nothing behind', async () => {
  const events = createCommandEvents();
  const w = new SettleWaiters(events);
  assert.equal(await w.wait('a', 5), false);
  const ac = new AbortController();
  const p = w.wait('a', 60_000, ac.signal);
  const q = w.wait('a', 60_000);
  assert.equal(w.size, 2);
  ac.abort();
  assert.equal(await p, false);
  assert.equal(w.size, 1);
  w.close();
  assert.equal(await q, true, 'close wakes the rest');
  assert.equal(w.size, 0);
  assert.equal(await w.wait('a', 60_000, AbortSignal.abort()), false);
});

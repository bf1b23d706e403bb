/** Commands with several instances: who owns a car's commands, and what a followed command-status record changes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandBook } from '../../../backend/services/commands/book.js';
import { Ownership, ownerHooks } from '../../../backend/services/commands/ownership.js';
import type { CommandSnapshot, Transition } from '../../../backend/services/commands/types.js';
import { partitionOfKey } from '../../../backend/kafka/partitioner.js';
import type { Admin, InRecord } from '../../../backend/kafka/types.js';

const snap = (over: Partial<CommandSnapshot> = {}): CommandSnapshot => ({
  commandId: 'c1',
  vin: 'VIN0000000000001',
  type: 'lock',
  params: {},
  status: 'CREATED',
  createdAt: 100,
  expiresAt: 60_100,
  updatedAt: 100,
  principal: 'p',
  fingerprint: 'f',
  sendCount: 0,
  ...over,
});

test('a VIN is owned by the instance holding its partition; assign reports what moved', () => {
  const o = new Ownership(6);
  const vin = 'VIN0000000000001';
  const p = partitionOfKey(vin, 6);
  assert.equal(o.ownsVin(vin), false);
  assert.deepEqual(o.assign([p]), { added: [p], revoked: [] });
  assert.equal(o.ownsVin(vin), true);
  const other = (p + 1) % 6;
  assert.deepEqual(o.assign([other]), { added: [other], revoked: [p] });
  assert.equal(o.ownsVin(vin), false);
});

test('follow: news goes into the book with its transition; echoes, older and post-terminal records do not', () => {
  const o = new Ownership(6);
  const book = new CommandBook();
  const t1 = o.follow(book, snap());
  assert.equal(t1?.from, null);
  assert.equal(t1?.to, 'CREATED');
  assert.equal(o.follow(book, snap()), undefined, 'its own write read back');
  assert.equal(o.follow(book, snap({ status: 'SENT', updatedAt: 100, sendCount: 1 }))?.to, 'SENT', 'same ms, further along');
  assert.equal(o.follow(book, snap({ status: 'CREATED', updatedAt: 100 })), undefined, 'same ms, behind');
  assert.equal(o.follow(book, snap({ status: 'CREATED', updatedAt: 90 })), undefined, 'older');
  assert.equal(o.follow(book, snap({ status: 'SUCCEEDED', updatedAt: 200, sendCount: 1 }))?.to, 'SUCCEEDED');
  assert.equal(o.follow(book, snap({ status: 'TIMED_OUT', updatedAt: 300, sendCount: 1 })), undefined, 'terminal is final');
  assert.equal(book.get('c1')?.status, 'SUCCEEDED');
});

test('known() waits for a command created elsewhere to be followed, or gives up', async () => {
  const o = new Ownership(6);
  const book = new CommandBook();
  const waiting = o.known(book, 'c1', 5000);
  o.follow(book, snap());
  assert.equal(await waiting, true);
  assert.equal(await o.known(book, 'c2', 5), false);
});

test('on assignment the new owner takes up the pending commands of its new cars; a followed command gets a timer', () => {
  const o = new Ownership(6);
  const book = new CommandBook();
  const vin = 'VIN0000000000001';
  const p = partitionOfKey(vin, 6);
  book.put(snap({ commandId: 'pending', vin }));
  book.put(snap({ commandId: 'done', vin, status: 'SUCCEEDED' }));
  const armed: string[] = [];
  const resent: string[] = [];
  const cancelled: string[] = [];
  const announced: Transition[] = [];
  const hooks = ownerHooks({
    book,
    ownership: () => o,
    cancelTimer: (id) => cancelled.push(id),
    hasTimer: (id) => armed.includes(id),
    arm: (s) => {
      if (o.ownsVin(s.vin)) armed.push(s.commandId);
    },
    resend: (s) => resent.push(s.commandId),
    announce: (t) => announced.push(t),
    log: () => {},
  });
  hooks.onAssign([p]);
  assert.deepEqual(armed, ['pending']);
  assert.deepEqual(resent, ['pending'], 'sent again if it needs it (the car drops a duplicate commandId)');
  hooks.onFollowed(snap({ commandId: 'new', vin }));
  assert.deepEqual(armed, ['pending', 'new']);
  hooks.onFollowed(snap({ commandId: 'new', vin, status: 'CANCELED', updatedAt: 500 }));
  assert.deepEqual(cancelled, ['new']);
  assert.deepEqual(
    announced.map((t) => `${t.commandId}:${t.to}`),
    ['new:CREATED', 'new:CANCELED'],
  );
  resent.length = 0;
  hooks.onAssign([p, (p + 1) % 6]);
  assert.deepEqual(resent, ['pending'], 'a CREATED command of a kept car is sent again after a rebalance (its creator may be gone)');
  hooks.onAssign([(p + 1) % 6]);
  assert.ok(cancelled.includes('pending'), 'the timers of cars moved away are cancelled');
});

test('caughtUp: resolves once the follower has read to the high watermarks taken when asked', async () => {
  let highs = [
    { partition: 0, low: 0, high: 2 },
    { partition: 1, low: 0, high: 0 },
  ];
  const admin = { topicOffsets: async () => highs, close: async () => {} } as unknown as Admin;
  const o = new Ownership(6, { kafka: { admin: async () => admin }, topic: 'command-status' });
  const rec = (partition: number, offset: number): InRecord => ({
    topic: 'command-status',
    partition,
    offset: String(offset),
    key: 'c',
    value: null,
    headers: {},
    timestamp: 0,
  });
  o.see([rec(0, 0)]);
  const waiting = o.caughtUp(5000);
  await new Promise((r) => setImmediate(r));
  o.see([rec(0, 1)]);
  assert.equal(await waiting, true);
  highs = [{ partition: 0, low: 0, high: 3 }];
  assert.equal(await o.caughtUp(5), false, 'a record not read yet: not caught up');
  assert.equal(await new Ownership(6).caughtUp(5), true, 'nothing to follow');
  await o.close();
});

test('caughtUp side by side: one admin client opened, and close() closes it, also while it is still connecting', async () => {
  let opened = 0;
  let closed = 0;
  let connect: () => void = () => {};
  const admin = {
    topicOffsets: async () => [{ partition: 0, low: 0, high: 0 }],
    close: async () => void closed++,
  } as unknown as Admin;
  const kafka = {
    admin: () => {
      opened++;
      return new Promise<Admin>((resolve) => (connect = () => resolve(admin)));
    },
  };
  const o = new Ownership(6, { kafka, topic: 'command-status' });
  // fence actions of partitions handled at once: many creates ask before the first admin has connected
  const asked = Array.from({ length: 12 }, () => o.caughtUp(5000));
  assert.equal(opened, 1, 'one admin for all the callers, not one each (the others were never closed)');
  connect();
  assert.deepEqual(await Promise.all(asked), Array(12).fill(true));
  await o.close();
  assert.equal(closed, 1);

  const p = new Ownership(6, { kafka, topic: 'command-status' });
  const pending = p.caughtUp(5000);
  const closing = p.close(); // the admin is still connecting
  connect();
  await closing;
  await pending.catch(() => undefined);
  assert.equal(opened, 2);
  assert.equal(closed, 2, 'an admin that connected after close() began is closed too');
  assert.equal(await p.caughtUp(5000), false, 'closed: nothing new is opened');
  assert.equal(opened, 2);
});

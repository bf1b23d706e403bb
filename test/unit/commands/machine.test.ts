/**
 * The command lifecycle, table-driven: each row is a sequence of inputs at times and the states and
 * outputs expected after each. Time is an explicit number (the ManualClock drives the shell's
 * timers in timers.test.ts); nothing sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRefusal, step, type MachineContext } from '../../../backend/services/commands/machine.js';
import type { CommandInput, CommandSnapshot, LifecycleState } from '../../../backend/services/commands/types.js';

const VIN = '1V2XT0S0XNA000001';
const create = (carOnline = true): CommandInput => ({
  kind: 'create',
  commandId: 'c1',
  vin: VIN,
  type: 'unlock',
  params: {},
  ttlMs: 10_000,
  principal: 'alice',
  fingerprint: 'fp',
  carOnline,
});
const res = (status: 'delivered' | 'succeeded' | 'failed' | 'rejected', reason?: 'precondition_failed' | 'busy'): CommandInput => ({
  kind: 'result',
  status,
  ...(reason ? { reason } : {}),
});

interface Row {
  readonly name: string;
  /** [time ms, input, expected status after (or 'CONFLICT'), expected output kinds] */
  readonly steps: readonly (readonly [number, CommandInput, LifecycleState | 'CONFLICT', string])[];
}

const rows: Row[] = [
  {
    name: 'happy path: CREATED -> SENT -> DELIVERED -> SUCCEEDED',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [5, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [100, res('delivered'), 'DELIVERED', 'status,audit,notify'],
      [900, res('succeeded'), 'SUCCEEDED', 'status,audit,notify'],
      [901, res('succeeded'), 'SUCCEEDED', ''],
      [20_000, { kind: 'tick' }, 'SUCCEEDED', ''],
    ],
  },
  {
    name: 'the car rejects with its reason, without delivered first',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [5, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [50, res('rejected', 'precondition_failed'), 'REJECTED', 'status,audit,notify'],
    ],
  },
  {
    name: 'failed after delivery',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [1, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [2, res('delivered'), 'DELIVERED', 'status,audit,notify'],
      [3, res('failed', 'busy'), 'FAILED', 'status,audit,notify'],
    ],
  },
  {
    name: 'no answer: TIMED_OUT at the TTL, not before; late results ignored',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [1, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [9_999, { kind: 'tick' }, 'SENT', ''],
      [10_000, { kind: 'tick' }, 'TIMED_OUT', 'status,audit,notify'],
      [10_001, res('delivered'), 'TIMED_OUT', ''],
      [10_002, res('succeeded'), 'TIMED_OUT', ''],
    ],
  },
  {
    name: 'DELIVERED gets the grace past the TTL',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [1, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [9_000, res('delivered'), 'DELIVERED', 'status,audit,notify'],
      [10_500, { kind: 'tick' }, 'DELIVERED', ''],
      [11_000, { kind: 'tick' }, 'TIMED_OUT', 'status,audit,notify'],
    ],
  },
  {
    name: 'offline car: queued, sent when it comes back, delivered then',
    steps: [
      [0, create(false), 'CREATED', 'status,audit,notify'],
      [3_000, { kind: 'online' }, 'CREATED', 'status,audit,send'],
      [3_001, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [3_100, res('delivered'), 'DELIVERED', 'status,audit,notify'],
      [3_200, { kind: 'online' }, 'DELIVERED', ''],
      [3_900, res('succeeded'), 'SUCCEEDED', 'status,audit,notify'],
    ],
  },
  {
    name: 'offline car that never returns: TIMED_OUT, never sent',
    steps: [
      [0, create(false), 'CREATED', 'status,audit,notify'],
      [10_000, { kind: 'tick' }, 'TIMED_OUT', 'status,audit,notify'],
      [10_001, { kind: 'online' }, 'TIMED_OUT', ''],
    ],
  },
  {
    name: 'SENT re-sent when the car reconnects, never once DELIVERED',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [1, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [2_000, { kind: 'online' }, 'SENT', 'status,audit,send'],
      [2_001, { kind: 'sent' }, 'SENT', ''],
      [2_100, res('delivered'), 'DELIVERED', 'status,audit,notify'],
      [2_200, { kind: 'online' }, 'DELIVERED', ''],
    ],
  },
  {
    name: 'cancel before delivery; results after it ignored',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [1, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [2, { kind: 'cancel', principal: 'bob' }, 'CANCELED', 'status,audit,notify'],
      [3, res('delivered'), 'CANCELED', ''],
      [4, { kind: 'cancel', principal: 'bob' }, 'CONFLICT', ''],
    ],
  },
  {
    name: 'cancel once delivered is refused',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [1, { kind: 'sent' }, 'SENT', 'status,audit,notify'],
      [2, res('delivered'), 'DELIVERED', 'status,audit,notify'],
      [3, { kind: 'cancel', principal: 'bob' }, 'CONFLICT', ''],
    ],
  },
  {
    name: 'a second create of the same id is refused',
    steps: [
      [0, create(), 'CREATED', 'status,audit,notify,send'],
      [1, create(), 'CONFLICT', ''],
    ],
  },
];

for (const row of rows) {
  test(`lifecycle: ${row.name}`, () => {
    let s: CommandSnapshot | undefined;
    for (const [i, [now, input, want, outputs]] of row.steps.entries()) {
      const ctx: MachineContext = { now, deliveredGraceMs: 1_000 };
      const r = step(s, input, ctx);
      if (want === 'CONFLICT') {
        assert.ok(isRefusal(r), `step ${i}: expected a refusal`);
        continue;
      }
      assert.ok(!isRefusal(r), `step ${i}: unexpected refusal`);
      assert.equal(r.snapshot?.status, want, `step ${i} (${input.kind})`);
      assert.equal(r.outputs.map((o) => o.kind).join(','), outputs, `step ${i} outputs`);
      s = r.snapshot;
    }
  });
}

test('audit entries name who did it, what and when; the reason of a rejection is kept', () => {
  const c = step(undefined, create(), { now: 1_000, deliveredGraceMs: 0 });
  assert.ok(!isRefusal(c));
  const audit = c.outputs.find((o) => o.kind === 'audit');
  assert.deepEqual(audit?.kind === 'audit' ? audit.entry : undefined, {
    commandId: 'c1',
    vin: VIN,
    type: 'unlock',
    from: null,
    to: 'CREATED',
    event: 'create',
    actor: { kind: 'principal', id: 'alice' },
    at: 1_000,
  });
  assert.equal(c.snapshot?.expiresAt, 11_000);
  const r = step(
    c.snapshot,
    { kind: 'result', status: 'rejected', reason: 'precondition_failed', message: 'moving' },
    { now: 1_500, deliveredGraceMs: 0 },
  );
  assert.ok(!isRefusal(r));
  assert.equal(r.snapshot?.reason, 'precondition_failed');
  assert.equal(r.snapshot?.message, 'moving');
  const a = r.outputs.find((o) => o.kind === 'audit');
  assert.deepEqual(a?.kind === 'audit' ? [a.entry.actor, a.entry.event, a.entry.reason, a.entry.from, a.entry.to] : [], [
    { kind: 'car', id: VIN },
    'car:rejected',
    'precondition_failed',
    'CREATED',
    'REJECTED',
  ]);
});

test('the send count tracks every produce of the request', () => {
  let s = step(undefined, create(false), { now: 0, deliveredGraceMs: 0 });
  assert.ok(!isRefusal(s));
  assert.equal(s.snapshot?.sendCount, 0);
  s = step(s.snapshot, { kind: 'online' }, { now: 1, deliveredGraceMs: 0 }) as typeof s;
  assert.equal(s.snapshot?.sendCount, 1);
  s = step(s.snapshot, { kind: 'online' }, { now: 2, deliveredGraceMs: 0 }) as typeof s;
  assert.equal(s.snapshot?.sendCount, 2);
});

/**
 * The command lifecycle as a pure function: (snapshot, input, time) -> (snapshot, outputs).
 *
 *   CREATED --sent--> SENT --car delivered--> DELIVERED --car succeeded|failed--> SUCCEEDED | FAILED
 *   CREATED | SENT | DELIVERED --car rejected--> REJECTED     (the car's reason kept)
 *   CREATED | SENT | DELIVERED --tick past TTL--> TIMED_OUT  (DELIVERED gets a grace to report)
 *   CREATED | SENT --cancel--> CANCELED                        (DELIVERED: refused, 409)
 *   CREATED | SENT --car online--> same state, request produced again (never once DELIVERED)
 *
 * A car may skip `delivered` (rejections never have it), so results are accepted from any
 * non-terminal state. Anything reaching a terminal command is ignored: late, duplicate or
 * redelivered results change nothing. Time comes in as `now`; nothing here reads a clock.
 */
import type { Actor, AuditEntry, CommandInput, CommandOutput, CommandSnapshot, LifecycleState, Step } from './types.js';
import { isTerminal } from './types.js';

export interface MachineContext {
  /** Backend clock, ms. */
  readonly now: number;
  /** How long past expiresAt a DELIVERED command may still report its outcome. */
  readonly deliveredGraceMs: number;
}

export type Refusal = { readonly refused: 'CONFLICT'; readonly message: string };

const SERVICE: Actor = { kind: 'service', id: 'commands' };

/** When a non-terminal command times out. */
export function deadlineOf(s: Pick<CommandSnapshot, 'status' | 'expiresAt'>, deliveredGraceMs: number): number {
  return s.status === 'DELIVERED' ? s.expiresAt + deliveredGraceMs : s.expiresAt;
}

export function step(snapshot: CommandSnapshot | undefined, input: CommandInput, ctx: MachineContext): Step | Refusal {
  const { now } = ctx;
  if (input.kind === 'create') {
    if (snapshot !== undefined) return { refused: 'CONFLICT', message: `command ${input.commandId} exists` };
    const created: CommandSnapshot = {
      commandId: input.commandId,
      vin: input.vin,
      type: input.type,
      params: input.params,
      status: 'CREATED',
      createdAt: now,
      expiresAt: now + input.ttlMs,
      updatedAt: now,
      principal: input.principal,
      ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
      fingerprint: input.fingerprint,
      sendCount: input.carOnline ? 1 : 0,
      ...(input.causeTs === undefined ? {} : { causeTs: input.causeTs }),
    };
    const outputs = transitionOutputs(null, created, 'create', { kind: 'principal', id: input.principal }, now);
    return { snapshot: created, outputs: input.carOnline ? [...outputs, { kind: 'send', snapshot: created }] : outputs, ignored: false };
  }
  if (snapshot === undefined) return ignore(undefined);
  const s = snapshot;
  if (isTerminal(s.status)) {
    if (input.kind === 'cancel')
      return { refused: 'CONFLICT', message: `command is ${s.status}: only a command not yet delivered can be canceled` };
    return ignore(s);
  }

  switch (input.kind) {
    case 'sent':
      return s.status === 'CREATED' ? move(s, 'SENT', 'sent', SERVICE, now) : ignore(s);
    case 'online': {
      if (s.status === 'DELIVERED' || now >= s.expiresAt) return ignore(s);
      const next: CommandSnapshot = { ...s, sendCount: s.sendCount + 1, updatedAt: now };
      const audit: AuditEntry = {
        commandId: s.commandId,
        vin: s.vin,
        type: s.type,
        from: s.status,
        to: s.status,
        event: s.sendCount === 0 ? 'send' : 'resend',
        actor: SERVICE,
        at: now,
      };
      return {
        snapshot: next,
        outputs: [
          { kind: 'status', snapshot: next },
          { kind: 'audit', entry: audit },
          { kind: 'send', snapshot: next },
        ],
        ignored: false,
      };
    }
    case 'tick':
      return now >= deadlineOf(s, ctx.deliveredGraceMs) ? move(s, 'TIMED_OUT', 'expired', SERVICE, now) : ignore(s);
    case 'cancel':
      if (s.status === 'DELIVERED')
        return { refused: 'CONFLICT', message: 'command is DELIVERED: the car has it, it can no longer be canceled' };
      return move(s, 'CANCELED', 'cancel', { kind: 'principal', id: input.principal }, now);
    case 'result': {
      const car: Actor = { kind: 'car', id: s.vin };
      const event = `car:${input.status}`;
      switch (input.status) {
        case 'delivered':
          return s.status === 'DELIVERED' ? ignore(s) : move(s, 'DELIVERED', event, car, now);
        case 'succeeded':
          return move({ ...s, ...(input.position ? { result: { position: input.position } } : {}) }, 'SUCCEEDED', event, car, now);
        case 'failed':
        case 'rejected':
          return move(
            { ...s, ...(input.reason ? { reason: input.reason } : {}), ...(input.message ? { message: input.message } : {}) },
            input.status === 'failed' ? 'FAILED' : 'REJECTED',
            event,
            car,
            now,
          );
      }
    }
  }
}

export function isRefusal(r: Step | Refusal): r is Refusal {
  return 'refused' in r;
}

function ignore(s: CommandSnapshot | undefined): Step {
  return { snapshot: s, outputs: [], ignored: true };
}

function move(s: CommandSnapshot, to: LifecycleState, event: string, actor: Actor, now: number): Step {
  const next: CommandSnapshot = { ...s, status: to, updatedAt: now };
  return { snapshot: next, outputs: transitionOutputs(s.status, next, event, actor, now), ignored: false };
}

function transitionOutputs(from: LifecycleState | null, next: CommandSnapshot, event: string, actor: Actor, now: number): CommandOutput[] {
  const entry: AuditEntry = {
    commandId: next.commandId,
    vin: next.vin,
    type: next.type,
    from,
    to: next.status,
    event,
    actor,
    at: now,
    ...(next.reason !== undefined && (next.status === 'FAILED' || next.status === 'REJECTED') ? { reason: next.reason } : {}),
  };
  return [
    { kind: 'status', snapshot: next },
    { kind: 'audit', entry },
    { kind: 'notify', transition: { commandId: next.commandId, vin: next.vin, from, to: next.status, at: now, snapshot: next } },
  ];
}

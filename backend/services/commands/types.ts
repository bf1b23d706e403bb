/**
 * The command service's data: a command's lifecycle state, the inputs its state machine takes and
 * the outputs it gives. Plain JSON-able values only, so the latest state is also the value of the
 * compacted command-status record it is rebuilt from.
 */
import type { CommandReason, CommandType } from '../../../protocol/index.js';

export const LIFECYCLE_STATES = ['CREATED', 'SENT', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];
export const TERMINAL_STATES: ReadonlySet<LifecycleState> = new Set(['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED']);

export function isTerminal(s: LifecycleState): boolean {
  return TERMINAL_STATES.has(s);
}

export function isLifecycleState(s: unknown): s is LifecycleState {
  return typeof s === 'string' && (LIFECYCLE_STATES as readonly string[]).includes(s);
}

/** Who caused a transition: an API principal, the car, or the service itself (timeouts). */
export type Actor =
  | { readonly kind: 'principal'; readonly id: string }
  | { readonly kind: 'car'; readonly id: string }
  | { readonly kind: 'service'; readonly id: string };

export interface CommandSnapshot {
  readonly commandId: string;
  readonly vin: string;
  readonly type: CommandType;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: LifecycleState;
  /** Backend clock, ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly updatedAt: number;
  /** Who created it. */
  readonly principal: string;
  readonly idempotencyKey?: string;
  /** sha256 of the request body (vin, type, params, ttlSeconds): the idempotency check. */
  readonly fingerprint: string;
  /** How many times the request was produced to the commands topic. */
  readonly sendCount: number;
  /** The car's reason with FAILED and REJECTED. */
  readonly reason?: CommandReason;
  readonly message?: string;
  /** Extra result data from the car (locate: its position). */
  readonly result?: Readonly<Record<string, unknown>>;
  /** The car timestamp of the fix that caused it (fence actions; decision 0030). */
  readonly causeTs?: number;
}

export interface CarResultInput {
  readonly kind: 'result';
  readonly status: 'delivered' | 'succeeded' | 'failed' | 'rejected';
  readonly reason?: CommandReason;
  readonly message?: string;
  readonly position?: Readonly<Record<string, unknown>>;
}

export interface CreateInput {
  readonly kind: 'create';
  readonly commandId: string;
  readonly vin: string;
  readonly type: CommandType;
  readonly params: Readonly<Record<string, unknown>>;
  readonly ttlMs: number;
  readonly principal: string;
  readonly idempotencyKey?: string;
  readonly fingerprint: string;
  /** False when the car is known to be offline: the command waits for it. */
  readonly carOnline: boolean;
  readonly causeTs?: number;
}

export type CommandInput =
  | CreateInput
  /** The request record was acknowledged by Kafka. */
  | { readonly kind: 'sent' }
  | CarResultInput
  /** Time passed: expire when past the TTL. */
  | { readonly kind: 'tick' }
  | { readonly kind: 'cancel'; readonly principal: string }
  /** The car came back online: re-send when it never confirmed receipt. */
  | { readonly kind: 'online' };

/** What the shell must do after a transition. */
export type CommandOutput =
  /** Produce the request to the commands topic (the bridge sends it to the car). */
  | { readonly kind: 'send'; readonly snapshot: CommandSnapshot }
  /** Produce the new latest state to command-status (compacted, key commandId). */
  | { readonly kind: 'status'; readonly snapshot: CommandSnapshot }
  /** Produce one audit record to command-audit (key VIN). */
  | { readonly kind: 'audit'; readonly entry: AuditEntry }
  /** Push to subscribers (socket.io later). */
  | { readonly kind: 'notify'; readonly transition: Transition };

export interface Transition {
  readonly commandId: string;
  readonly vin: string;
  readonly from: LifecycleState | null;
  readonly to: LifecycleState;
  readonly at: number;
  readonly snapshot: CommandSnapshot;
}

export interface AuditEntry {
  readonly commandId: string;
  readonly vin: string;
  readonly type: CommandType;
  readonly from: LifecycleState | null;
  readonly to: LifecycleState;
  /** What happened: create, sent, resent, car:delivered, car:rejected, expired, cancel... */
  readonly event: string;
  readonly actor: Actor;
  readonly at: number;
  readonly reason?: string;
}

export interface Step {
  /** The command after the input (undefined only when a create was refused). */
  readonly snapshot: CommandSnapshot | undefined;
  readonly outputs: readonly CommandOutput[];
  /** True when the input changed nothing (a duplicate or late car result, a tick before the TTL). */
  readonly ignored: boolean;
}

/**
 * When a command the car has not confirmed is produced again without waiting for the car's next
 * `online` (pure: times in, time out). A request can be lost between Kafka and the car with nobody
 * noticing: the broker restarted and the car's new session is not subscribed yet when the request
 * arrives (docs/reliability.md). So a SENT command is sent again after `firstMs`, then after twice
 * that, up to `maxMs` apart, at most `maxResends` times, never at or past its TTL. The car drops a
 * request whose commandId it has seen (it answers the same result), so a resend never runs twice.
 */
import type { CommandSnapshot } from './types.js';

export interface ResendPolicy {
  /** Wait after the first send; 0 = no timed resends (only on the car's `online`). */
  readonly firstMs: number;
  /** Longest wait between two sends. */
  readonly maxMs: number;
  /** Most timed resends of one command (`online` resends are not counted against it). */
  readonly maxResends: number;
}

/** The largest exponent used, so that the doubling never overflows. */
const MAX_DOUBLINGS = 30;

/**
 * When a command is next sent again by the timer: its last send (`updatedAt`) plus the backoff for
 * its `sendCount`; undefined when none is due (not SENT, timed resends off, the cap reached, or the
 * time at or past its TTL).
 */
export function resendDueAt(
  s: Pick<CommandSnapshot, 'status' | 'sendCount' | 'updatedAt' | 'expiresAt'>,
  policy: ResendPolicy,
): number | undefined {
  if (s.status !== 'SENT' || policy.firstMs <= 0) return undefined;
  const resends = Math.max(0, s.sendCount - 1);
  if (resends >= policy.maxResends) return undefined;
  const delay = Math.min(policy.maxMs, policy.firstMs * 2 ** Math.min(resends, MAX_DOUBLINGS));
  const due = s.updatedAt + delay;
  return due < s.expiresAt ? due : undefined;
}

/** What the shell knows of the car when deciding on a send. */
export interface CarPresence {
  readonly online: boolean;
  /** When it last came online (record time of its `online` status), ms; 0 when never seen. */
  readonly onlineSince: number;
}

/**
 * Whether a pending command must be (re)produced now that the car is (still) online: it never got
 * it, or the car came online after the last send (it may have missed it), each `online` once.
 * Never once DELIVERED (the machine ignores `online` then). `resume`: after a restart, CREATED is
 * sent again whatever the times (the produce may not have happened before the stop).
 */
export function needsSend(s: Pick<CommandSnapshot, 'status' | 'sendCount' | 'updatedAt'>, car: CarPresence, resume: boolean): boolean {
  if (!car.online) return false;
  if (s.status === 'CREATED' && (s.sendCount === 0 || resume)) return true;
  return (s.status === 'CREATED' || s.status === 'SENT') && car.onlineSince > s.updatedAt;
}

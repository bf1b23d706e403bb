/**
 * Counters of a pool of sessions (usually one per worker), updated in place by the sessions so
 * that counting costs no callback per message. `snapshot()` gives a plain, serialisable object to
 * post to the main thread; `mergeSnapshots` adds several up.
 */
import { Histogram, type SerializedHistogram } from '../core/histogram.js';
import { addCounts, addFields } from '../core/sum.js';
import type { SessionState } from './types.js';

export interface StatsSnapshot {
  readonly states: Readonly<Record<SessionState, number>>;
  /** Publishes written to a socket, by QoS (retransmissions excluded). */
  readonly sent: readonly [number, number, number];
  /** QoS 1 PUBACKs and QoS 2 PUBCOMPs received, by QoS. */
  readonly acked: readonly [number, number, number];
  /** Publishes the broker answered with an MQTT 5 error reason code. */
  readonly rejected: number;
  /** Publishes dropped by the offline queue policy or because the session was closed. */
  readonly dropped: number;
  /** Publishes sent again after a reconnect as duplicates (DUP set: the broker kept the session). */
  readonly retransmitted: number;
  /** Unacknowledged publishes sent again as new ones after a reconnect without a session. */
  readonly republished: number;
  /** Publishes in flight (sent, never acknowledged) when their session closed for good. */
  readonly unacknowledged: number;
  /** Publishes still queued (never sent) when their session closed for good. */
  readonly unsent: number;
  readonly received: number;
  readonly connectAttempts: number;
  readonly connects: number;
  /** Connections lost after having been established. */
  readonly disconnects: number;
  readonly errors: Readonly<Record<string, number>>;
  /** PUBACK/PUBCOMP latency in microseconds. */
  readonly pubackLatencyUs: SerializedHistogram;
  /** Socket open to CONNACK, in microseconds. */
  readonly connectLatencyUs: SerializedHistogram;
}

export class MqttStats {
  readonly states: Record<SessionState, number> = { idle: 0, connecting: 0, connected: 0, waiting: 0, closed: 0 };
  readonly sent: [number, number, number] = [0, 0, 0];
  readonly acked: [number, number, number] = [0, 0, 0];
  rejected = 0;
  dropped = 0;
  retransmitted = 0;
  republished = 0;
  unacknowledged = 0;
  unsent = 0;
  received = 0;
  connectAttempts = 0;
  connects = 0;
  disconnects = 0;
  readonly errors: Record<string, number> = {};
  readonly pubackLatencyUs = new Histogram();
  readonly connectLatencyUs = new Histogram();

  countError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** @internal called by sessions on every state change. */
  transition(from: SessionState, to: SessionState): void {
    this.states[from]--;
    this.states[to]++;
  }

  snapshot(): StatsSnapshot {
    return {
      states: { ...this.states },
      sent: [...this.sent],
      acked: [...this.acked],
      rejected: this.rejected,
      dropped: this.dropped,
      retransmitted: this.retransmitted,
      republished: this.republished,
      unacknowledged: this.unacknowledged,
      unsent: this.unsent,
      received: this.received,
      connectAttempts: this.connectAttempts,
      connects: this.connects,
      disconnects: this.disconnects,
      errors: { ...this.errors },
      pubackLatencyUs: this.pubackLatencyUs.serialize(),
      connectLatencyUs: this.connectLatencyUs.serialize(),
    };
  }
}

const COUNTS = [
  'rejected',
  'dropped',
  'retransmitted',
  'republished',
  'unacknowledged',
  'unsent',
  'received',
  'connectAttempts',
  'connects',
  'disconnects',
] as const;
const QOS = [0, 1, 2] as const;

/** Adds up snapshots from several workers. */
export function mergeSnapshots(snapshots: readonly StatsSnapshot[]): StatsSnapshot {
  const states: Record<SessionState, number> = { idle: 0, connecting: 0, connected: 0, waiting: 0, closed: 0 };
  const counts = Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<(typeof COUNTS)[number], number>;
  const errors: Record<string, number> = {};
  const sent: [number, number, number] = [0, 0, 0];
  const acked: [number, number, number] = [0, 0, 0];
  const puback = new Histogram();
  const connect = new Histogram();
  for (const s of snapshots) {
    addFields(states, s.states, Object.keys(states) as SessionState[]);
    addFields(counts, s, COUNTS);
    addCounts(errors, s.errors);
    for (const q of QOS) {
      sent[q] += s.sent[q];
      acked[q] += s.acked[q];
    }
    puback.merge(s.pubackLatencyUs);
    connect.merge(s.connectLatencyUs);
  }
  return { states, sent, acked, ...counts, errors, pubackLatencyUs: puback.serialize(), connectLatencyUs: connect.serialize() };
}

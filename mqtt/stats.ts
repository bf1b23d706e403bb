/**
 * Counters of a pool of sessions (usually one per worker), updated in place by the sessions so
 * that counting costs no callback per message. `snapshot()` gives a plain, serialisable object to
 * post to the main thread; `mergeSnapshots` adds several up.
 */
import { Histogram, type SerializedHistogram } from '../core/histogram.js';
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
  readonly retransmitted: number;
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

function add3(a: readonly [number, number, number], b: readonly [number, number, number]): [number, number, number] {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

/** Adds up snapshots from several workers. */
export function mergeSnapshots(snapshots: readonly StatsSnapshot[]): StatsSnapshot {
  const states: Record<SessionState, number> = { idle: 0, connecting: 0, connected: 0, waiting: 0, closed: 0 };
  const errors: Record<string, number> = {};
  const puback = new Histogram();
  const connect = new Histogram();
  let sent: [number, number, number] = [0, 0, 0];
  let acked: [number, number, number] = [0, 0, 0];
  let rejected = 0,
    dropped = 0,
    retransmitted = 0,
    received = 0,
    connectAttempts = 0,
    connects = 0,
    disconnects = 0;
  for (const s of snapshots) {
    for (const k of Object.keys(states) as SessionState[]) states[k] += s.states[k];
    for (const [code, n] of Object.entries(s.errors)) errors[code] = (errors[code] ?? 0) + n;
    sent = add3(sent, s.sent);
    acked = add3(acked, s.acked);
    rejected += s.rejected;
    dropped += s.dropped;
    retransmitted += s.retransmitted;
    received += s.received;
    connectAttempts += s.connectAttempts;
    connects += s.connects;
    disconnects += s.disconnects;
    puback.merge(s.pubackLatencyUs);
    connect.merge(s.connectLatencyUs);
  }
  return {
    states,
    sent,
    acked,
    rejected,
    dropped,
    retransmitted,
    received,
    connectAttempts,
    connects,
    disconnects,
    errors,
    pubackLatencyUs: puback.serialize(),
    connectLatencyUs: connect.serialize(),
  };
}

/**
 * The time-series collector of a load test: 1 s buckets (by default) of throughput per message
 * kind, latency histograms (connect time, PUBACK, end-to-end, remote commands; recorded in
 * microseconds), connected cars, errors by cause, reconnects and remote command outcomes, plus the overall histograms and the per-car sequence
 * tracker. Time is passed in (ms since the run started), never read. `snapshot()` is plain data
 * (JSON and structured-clone safe) and `mergeCollectorSnapshots` adds up workers or processes.
 */
import { Histogram, type SerializedHistogram } from '../../core/histogram.js';
import { SeqTracker, mergeSeqSnapshots, type SeqSnapshot } from './seq-tracker.js';

/**
 * connect: socket open to CONNACK; puback: PUBLISH to PUBACK/PUBCOMP; e2e: car timestamp to the
 * probe; command: a remote command's request to the car's first answer (the round trip through the
 * broker); commandDone: the request to the final result (includes the car's execution time).
 */
export type LatencySeries = 'connect' | 'puback' | 'e2e' | 'command' | 'commandDone';
export const LATENCY_SERIES: readonly LatencySeries[] = ['connect', 'puback', 'e2e', 'command', 'commandDone'];

/** What became of the remote commands the runner sent (loadtest/commands/tracker.ts). */
export type CommandOutcome = 'sent' | 'delivered' | 'succeeded' | 'failed' | 'rejected' | 'timedOut' | 'offline' | 'late' | 'noTarget';
export const COMMAND_OUTCOMES: readonly CommandOutcome[] = [
  'sent',
  'delivered',
  'succeeded',
  'failed',
  'rejected',
  'timedOut',
  'offline',
  'late',
  'noTarget',
];

export interface BucketSnapshot {
  /** Bucket index: covers [i * bucketMs, (i + 1) * bucketMs) after the start. */
  readonly i: number;
  readonly sent: Readonly<Record<string, number>>;
  readonly acked: Readonly<Record<string, number>>;
  readonly received: Readonly<Record<string, number>>;
  readonly latencyUs: Readonly<Record<LatencySeries, SerializedHistogram>>;
  /** Connected cars at the last report in the bucket (summed over workers), or -1 when none. */
  readonly connected: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly reconnects: number;
  readonly connectAttempts: number;
  /** Remote commands by outcome (COMMAND_OUTCOMES), counted in the bucket the outcome became known. */
  readonly commands: Readonly<Record<string, number>>;
}

export interface CollectorSnapshot {
  readonly v: 1;
  readonly bucketMs: number;
  /** Wall-clock epoch ms of t = 0 (aligns snapshots of processes started apart). */
  readonly startEpochMs: number;
  readonly buckets: readonly BucketSnapshot[];
  readonly seq: SeqSnapshot;
}

interface Bucket {
  sent: Record<string, number>;
  acked: Record<string, number>;
  received: Record<string, number>;
  latency: Record<LatencySeries, Histogram>;
  connected: number;
  errors: Record<string, number>;
  reconnects: number;
  connectAttempts: number;
  commands: Record<string, number>;
}

function histograms<T>(make: (s: LatencySeries) => T): Record<LatencySeries, T> {
  return Object.fromEntries(LATENCY_SERIES.map((s) => [s, make(s)])) as Record<LatencySeries, T>;
}

function newBucket(): Bucket {
  return {
    sent: {},
    acked: {},
    received: {},
    latency: histograms(() => new Histogram()),
    connected: -1,
    errors: {},
    reconnects: 0,
    connectAttempts: 0,
    commands: {},
  };
}

function add(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

export class MetricsCollector {
  readonly bucketMs: number;
  readonly startEpochMs: number;
  readonly seq = new SeqTracker();
  readonly #buckets = new Map<number, Bucket>();

  constructor(options: { readonly bucketMs?: number; readonly startEpochMs?: number } = {}) {
    this.bucketMs = options.bucketMs ?? 1000;
    this.startEpochMs = options.startEpochMs ?? 0;
    if (!(this.bucketMs > 0)) throw new RangeError('bucketMs must be positive');
  }

  #at(tMs: number): Bucket {
    const i = Math.max(0, Math.floor(tMs / this.bucketMs));
    let b = this.#buckets.get(i);
    if (b === undefined) {
      b = newBucket();
      this.#buckets.set(i, b);
    }
    return b;
  }

  sent(tMs: number, kind: string, n = 1): void {
    add(this.#at(tMs).sent, kind, n);
  }
  acked(tMs: number, kind: string, n = 1): void {
    add(this.#at(tMs).acked, kind, n);
  }
  /** A message seen by a probe subscriber (or the Kafka consumer); `seq` feeds the loss tracker. */
  received(tMs: number, kind: string, vin?: string, seq?: number): void {
    add(this.#at(tMs).received, kind, 1);
    if (vin !== undefined && seq !== undefined) this.seq.observe(vin, seq);
  }
  latency(tMs: number, series: LatencySeries, us: number): void {
    this.#at(tMs).latency[series].record(us);
  }
  /** Merges a histogram recorded elsewhere (a worker's PUBACK histogram for this second). */
  latencyHistogram(tMs: number, series: LatencySeries, h: SerializedHistogram): void {
    this.#at(tMs).latency[series].merge(h);
  }
  connected(tMs: number, cars: number): void {
    this.#at(tMs).connected = cars;
  }
  error(tMs: number, cause: string, n = 1): void {
    add(this.#at(tMs).errors, cause, n);
  }
  reconnect(tMs: number, n = 1): void {
    this.#at(tMs).reconnects += n;
  }
  connectAttempt(tMs: number, n = 1): void {
    this.#at(tMs).connectAttempts += n;
  }
  command(tMs: number, outcome: CommandOutcome, n = 1): void {
    add(this.#at(tMs).commands, outcome, n);
  }

  snapshot(): CollectorSnapshot {
    const buckets = [...this.#buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([i, b]): BucketSnapshot => ({
        i,
        sent: { ...b.sent },
        acked: { ...b.acked },
        received: { ...b.received },
        latencyUs: histograms((s) => b.latency[s].serialize()),
        connected: b.connected,
        errors: { ...b.errors },
        reconnects: b.reconnects,
        connectAttempts: b.connectAttempts,
        commands: { ...b.commands },
      }));
    return { v: 1, bucketMs: this.bucketMs, startEpochMs: this.startEpochMs, buckets, seq: this.seq.snapshot() };
  }
}

function addRecord(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, n] of Object.entries(b)) add(out, k, n);
  return out;
}

function mergeHist(a: SerializedHistogram, b: SerializedHistogram): SerializedHistogram {
  const h = Histogram.deserialize(a);
  h.merge(b);
  return h.serialize();
}

/**
 * Adds up snapshots of workers or processes: counters and histograms add; connected cars add
 * (each worker reports its own cars). Buckets are aligned on wall-clock time, to the first
 * snapshot's start; all must share one bucket size.
 */
export function mergeCollectorSnapshots(snapshots: readonly CollectorSnapshot[]): CollectorSnapshot {
  const first = snapshots[0];
  if (first === undefined) throw new RangeError('nothing to merge');
  const byIndex = new Map<number, BucketSnapshot>();
  for (const s of snapshots) {
    if (s.bucketMs !== first.bucketMs) throw new RangeError(`cannot merge ${s.bucketMs} ms buckets with ${first.bucketMs} ms buckets`);
    const offset = Math.round((s.startEpochMs - first.startEpochMs) / first.bucketMs);
    for (const b of s.buckets) {
      const i = b.i + offset;
      if (i < 0) continue;
      const cur = byIndex.get(i);
      if (cur === undefined) {
        byIndex.set(i, { ...b, i });
        continue;
      }
      byIndex.set(i, {
        i,
        sent: addRecord(cur.sent, b.sent),
        acked: addRecord(cur.acked, b.acked),
        received: addRecord(cur.received, b.received),
        latencyUs: histograms((k) => mergeHist(cur.latencyUs[k], b.latencyUs[k])),
        connected: cur.connected < 0 ? b.connected : b.connected < 0 ? cur.connected : cur.connected + b.connected,
        errors: addRecord(cur.errors, b.errors),
        reconnects: cur.reconnects + b.reconnects,
        connectAttempts: cur.connectAttempts + b.connectAttempts,
        commands: addRecord(cur.commands, b.commands),
      });
    }
  }
  return {
    v: 1,
    bucketMs: first.bucketMs,
    startEpochMs: first.startEpochMs,
    buckets: [...byIndex.values()].sort((a, b) => a.i - b.i),
    seq: mergeSeqSnapshots(snapshots.map((s) => s.seq)),
  };
}

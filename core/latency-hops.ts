/**
 * The hops of a car message through the platform and the pure math on them (decision 0030).
 *
 * Every hop is measured from the same origin, the car's own timestamp (its clock is the simulation
 * clock, which runs on the machine's clock): `broker` the broker received it, `kafka` Kafka has it
 * (the produce acknowledgement at the bridge; the record timestamp at a consumer), `consumed` a
 * service read it, `decided` the service's output (a geofence event, a warning, a command) is in
 * Kafka, `downlink` the bridge published the resulting command or warning to the car, `car` the
 * car received it (the receipt time the car reports in its command result). Cumulative times from
 * one origin make a waterfall: each hop's share is the step from the one before.
 *
 * Live and stored are measured apart: a message older than `storedAfterMs` when a hop sees it (a
 * car's backlog after a coverage hole, a consumer catching up after a restart) is `stored`, so a
 * backlog never hides in (or inflates) the live percentiles.
 */
import { Histogram } from './histogram.js';

export const HOPS = ['broker', 'kafka', 'consumed', 'decided', 'downlink', 'car'] as const;
export type Hop = (typeof HOPS)[number];
export type HopMode = 'live' | 'stored';

/** What each hop measures, for the dashboard and /metrics help. */
export const HOP_LABELS: Readonly<Record<Hop, string>> = {
  broker: 'car -> broker received',
  kafka: 'car -> in Kafka',
  consumed: 'car -> service consumed',
  decided: 'car -> decision in Kafka',
  downlink: 'car -> published to the car',
  car: 'car -> received by the car',
};

/**
 * Prometheus bucket bounds, seconds: 1 ms steps to 10 ms, then finer than the targets (20 ms
 * event, 50 ms loop) need, up to 30 s for the stored backlog.
 */
export const HOP_BUCKETS_S: readonly number[] = [
  0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.0125, 0.015, 0.0175, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3,
  0.5, 0.75, 1, 2, 5, 10, 30,
];

/** Default age past which a message counts as stored, ms: a live message older than this is already late. */
export const STORED_AFTER_MS = 2000;

export interface HopSample {
  /** The car's timestamp of the message the hop concerns, ms since epoch. */
  readonly carTs: number;
  /** When the hop happened, ms since epoch. */
  readonly at: number;
  /** The car flagged it as sent from its backlog, or the consumer knows it is catching up. */
  readonly backlog?: boolean;
}

/** Milliseconds from the car's timestamp to the hop, never negative (clocks a little apart). */
export function hopMs(s: Pick<HopSample, 'carTs' | 'at'>): number {
  return Math.max(0, s.at - s.carTs);
}

export function classify(s: HopSample, storedAfterMs = STORED_AFTER_MS): HopMode {
  return s.backlog === true || hopMs(s) > storedAfterMs ? 'stored' : 'live';
}

/** One row of a waterfall: a hop's cumulative p50/p99 from the car's time, and its own share (the step from the hop before). */
export interface WaterfallRow {
  readonly hop: Hop;
  readonly label: string;
  readonly n: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** p50 minus the previous hop's p50 (0 for the first; never negative). */
  readonly stepP50Ms: number;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** The rows of the hops that have samples, in hop order. */
export function waterfall(stats: ReadonlyMap<Hop, { readonly n: number; readonly p50Ms: number; readonly p99Ms: number }>): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  let prev = 0;
  for (const hop of HOPS) {
    const s = stats.get(hop);
    if (s === undefined || s.n === 0) continue;
    rows.push({ hop, label: HOP_LABELS[hop], n: s.n, p50Ms: r1(s.p50Ms), p99Ms: r1(s.p99Ms), stepP50Ms: r1(Math.max(0, s.p50Ms - prev)) });
    prev = Math.max(prev, s.p50Ms);
  }
  return rows;
}

/**
 * Live samples per hop between two `take` calls (HDR histograms in 0.1 ms units: within 1% at any
 * latency, fixed memory), for a panel that shows the recent waterfall rather than since start.
 */
export class HopWindow {
  readonly #live = new Map<Hop, Histogram>();
  #stored = 0;
  readonly storedAfterMs: number;

  constructor(storedAfterMs = STORED_AFTER_MS) {
    this.storedAfterMs = storedAfterMs;
  }

  /** Counts the sample; returns its mode. */
  observe(hop: Hop, s: HopSample): HopMode {
    const mode = classify(s, this.storedAfterMs);
    if (mode === 'stored') {
      this.#stored++;
      return mode;
    }
    let h = this.#live.get(hop);
    if (h === undefined) this.#live.set(hop, (h = new Histogram(7)));
    h.record(hopMs(s) * 10);
    return mode;
  }

  /** The live waterfall and the stored count since the last take; starts a fresh window. */
  take(): { readonly rows: WaterfallRow[]; readonly stored: number } {
    const stats = new Map<Hop, { n: number; p50Ms: number; p99Ms: number }>();
    for (const [hop, h] of this.#live) {
      if (h.count > 0) stats.set(hop, { n: h.count, p50Ms: h.percentile(50) / 10, p99Ms: h.percentile(99) / 10 });
      h.reset();
    }
    const stored = this.#stored;
    this.#stored = 0;
    return { rows: waterfall(stats), stored };
  }
}

/**
 * Quantile of a Prometheus-style cumulative histogram (bucket upper bounds and cumulative counts,
 * the last bound +Inf), linear within the bucket; the largest finite bound when it falls in +Inf.
 * NaN when empty. For the bench, which reads the same histograms as /metrics.
 */
export function bucketQuantile(q: number, buckets: readonly { readonly le: number; readonly count: number }[]): number {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket <= 0 ? b.le : prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/**
 * The numbers of the dashboard's system panel, as a pure accumulator: messages counted and
 * car-to-backend latencies sampled between two `take` calls, which turns them into a
 * SystemMetricsMsg (rate over the elapsed time, p99 over the interval's sample). The latency sample
 * is a bounded reservoir, so a burst of 10,000+ messages a second costs a fixed amount of memory.
 */
import { STORED_AFTER_MS, type WaterfallRow } from '../../core/latency-hops.js';
import type { SystemMetricsMsg } from './hub/events.js';

export const LATENCY_SAMPLE = 4096;

export const LATENCY_OF_CONSUMED = 'live fixes: car clock -> geofencing reads the fix';
export const LATENCY_OF_FEED = 'live fixes: car clock -> dashboard fleet feed reads the fix';

export class SystemMeter {
  #count = 0;
  #lastAt: number;
  #seen = 0;
  readonly #lat = new Float64Array(LATENCY_SAMPLE);
  #n = 0;
  #rand: () => number;

  constructor(startMs: number, rand: () => number = Math.random) {
    this.#lastAt = startMs;
    this.#rand = rand;
  }

  /** One car message; `latencyMs` = when the backend saw it minus the car's timestamp (a stored one, older than STORED_AFTER_MS, is not sampled). */
  message(latencyMs?: number): void {
    this.#count++;
    if (latencyMs === undefined || latencyMs > STORED_AFTER_MS) return;
    this.#seen++;
    if (this.#n < LATENCY_SAMPLE) this.#lat[this.#n++] = latencyMs;
    else {
      // reservoir sampling: every latency of the interval equally likely to be kept
      const j = Math.floor(this.#rand() * this.#seen);
      if (j < LATENCY_SAMPLE) this.#lat[j] = latencyMs;
    }
  }

  /**
   * The metrics over the interval since the last take, then a fresh interval. `messages` overrides
   * the counted messages (the bridge's own counter when the bridge runs in this process).
   */
  take(
    now: number,
    extra: {
      kafkaLag: number;
      connectedCars: number;
      messages?: number;
      /** The process's live hop window (HopWindow.take), when it has one. */
      hops?: { readonly rows: readonly WaterfallRow[]; readonly stored: number };
    },
  ): SystemMetricsMsg {
    const secs = Math.max(1e-3, (now - this.#lastAt) / 1000);
    const messages = extra.messages ?? this.#count;
    // the headline: the live consumed hop of the V2X path when this process sees it, else the feed's own
    const consumed = extra.hops?.rows.find((r) => r.hop === 'consumed');
    const msg: SystemMetricsMsg = {
      t: now,
      msgPerS: Math.round((messages / secs) * 10) / 10,
      kafkaLag: extra.kafkaLag,
      latencyP99Ms: consumed !== undefined ? consumed.p99Ms : p99(this.#lat.subarray(0, this.#n)),
      latencyOf: consumed !== undefined ? LATENCY_OF_CONSUMED : LATENCY_OF_FEED,
      connectedCars: extra.connectedCars,
      ...(extra.hops === undefined
        ? {}
        : { hops: extra.hops.rows.map(({ hop, label, n, p50Ms, p99Ms }) => ({ hop, label, n, p50Ms, p99Ms })), stored: extra.hops.stored }),
    };
    this.#lastAt = now;
    this.#count = 0;
    this.#seen = 0;
    this.#n = 0;
    return msg;
  }
}

/** The 99th percentile (nearest rank) of the values, 0 when empty; rounded to 0.1 ms. */
export function p99(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const v = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] as number;
  return Math.round(v * 10) / 10;
}

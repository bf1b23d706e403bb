/**
 * Sliding windows per segment: `windowMs` long (default 60 s), advancing every `stepMs` (default
 * 10 s). Samples are kept in step-sized slots per segment; closing the window ending at t reads the
 * slots covering [t - windowMs, t). Per-car dedup: a car sampled several times in the window has its
 * speeds averaged first and then counts once, for the count (distinct VINs) and for the mean and
 * median (so a stopped car reporting at 1 Hz does not outweigh a car that drove through in 5 s).
 * The plain sample mean (time-mean speed, what the ground truth measures) is given next to them.
 */
import type { MatchedFix, WindowStat } from './types.js';

export interface WindowOptions {
  readonly windowMs?: number;
  readonly stepMs?: number;
}

interface CarAcc {
  sum: number;
  n: number;
}

type Slot = Map<string, CarAcc>;

export class SegmentWindows {
  readonly windowMs: number;
  readonly stepMs: number;
  readonly #slots = new Map<string, Map<number, Slot>>();

  constructor(options: WindowOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.stepMs = options.stepMs ?? 10_000;
    if (!(this.stepMs > 0) || this.windowMs % this.stepMs !== 0) {
      throw new RangeError('windowMs must be a positive multiple of stepMs');
    }
  }

  add(m: MatchedFix): void {
    let perKey = this.#slots.get(m.key);
    if (perKey === undefined) {
      perKey = new Map();
      this.#slots.set(m.key, perKey);
    }
    const slotNo = Math.floor(m.ts / this.stepMs);
    let slot = perKey.get(slotNo);
    if (slot === undefined) {
      slot = new Map();
      perKey.set(slotNo, slot);
    }
    const acc = slot.get(m.vin);
    if (acc === undefined) slot.set(m.vin, { sum: m.speedMps, n: 1 });
    else {
      acc.sum += m.speedMps;
      acc.n++;
    }
  }

  /** Stats of every segment with at least one car in [endMs - windowMs, endMs), sorted by key; drops old slots. */
  close(endMs: number): WindowStat[] {
    const last = Math.floor(endMs / this.stepMs) - 1;
    const first = last - this.windowMs / this.stepMs + 1;
    const out: WindowStat[] = [];
    const keys = [...this.#slots.keys()].sort();
    for (const key of keys) {
      const perKey = this.#slots.get(key) as Map<number, Slot>;
      const cars = new Map<string, CarAcc>();
      for (const [no, slot] of perKey) {
        if (no < first) {
          perKey.delete(no);
          continue;
        }
        if (no > last) continue;
        for (const [vin, a] of slot) {
          const c = cars.get(vin);
          if (c === undefined) cars.set(vin, { sum: a.sum, n: a.n });
          else {
            c.sum += a.sum;
            c.n += a.n;
          }
        }
      }
      if (perKey.size === 0) this.#slots.delete(key);
      if (cars.size === 0) continue;
      const speeds = [...cars.values()].map((c) => c.sum / c.n).sort((a, b) => a - b);
      let sampleSum = 0;
      let samples = 0;
      for (const c of cars.values()) {
        sampleSum += c.sum;
        samples += c.n;
      }
      out.push({
        key,
        endMs,
        windowMs: this.windowMs,
        count: speeds.length,
        meanSpeedMps: round2(speeds.reduce((s, v) => s + v, 0) / speeds.length),
        medianSpeedMps: round2(median(speeds)),
        sampleMeanSpeedMps: round2(sampleSum / samples),
      });
    }
    return out;
  }
}

/** Median of an ascending array (mean of the middle two for even lengths); NaN when empty. */
export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** p-th percentile (0..100) of an ascending array, linear interpolation; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (p / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

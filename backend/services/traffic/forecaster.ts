/**
 * Speed forecasts per segment at +5, +10 and +15 min: the model and two baselines, side by side.
 *
 * All three read one series per segment: the 60 s window's time-mean speed (mean of all samples,
 * what the ground truth measures), so they differ only in how they use it.
 * - last value: the latest window's time-mean speed.
 * - historical average (ha): the mean of every window mean seen so far on the segment in the same
 *   time-of-day bucket (15 min), else in any bucket, else the free-flow speed.
 * - model: two regimes (docs/decisions/0019-forecast-median-ensemble.md).
 *   Calm (jam factor < 5): the segment's historical median, the median of its window means over the
 *   last hour (`medianWindowSteps`), before this step's. The error is scored as a mean absolute
 *   error, which the median minimises; on a segment with a signal or a bus stop the speed
 *   distribution is skewed (stopped and free-flowing samples), and the mean sits between the two.
 *   Jammed (jam factor >= 5): an online median (LAD) regression per horizon on speeds relative to
 *   free flow, features 1, last, historical median, an exponential mean (half-life 5 min), the trend
 *   over the last minute and the downstream continuation's jam factor / 10. It starts from "predict
 *   the historical median" and learns on jammed segments only: each step's features wait until
 *   their horizon has passed, and the window mean then observed (never the ground truth) is the target.
 * Everything the model reads is known at forecast time. Forecasts are clamped to [0, 1.3 x free flow].
 */
import { LadRegressor } from './lad.js';
import { SlidingMedian } from './sliding-median.js';
import { HORIZONS_MIN, type HorizonMin, type SpeedForecast } from './types.js';

export interface ForecasterOptions {
  readonly bucketMs?: number;
  readonly stepMs?: number;
  /** Window means the historical median holds per segment (default 360: one hour of 10 s steps). */
  readonly medianWindowSteps?: number;
  /** Subgradient step of the jammed-regime median regression (default 0.002). */
  readonly ladEta?: number;
  /** Half-life of the exponential mean feature, in steps (default 30: 5 min). */
  readonly ewHalfLifeSteps?: number;
}

export interface SegmentInput {
  readonly segmentId: string;
  readonly speedMps: number;
  readonly freeFlowMps: number;
  /** Jam factor of the segment now, and of its downstream continuation (0 if none). */
  readonly jamFactor: number;
  readonly downstreamJamFactor: number;
  /** Distinct cars in the window (how far `speedMps` can be trusted). */
  readonly count: number;
}

/** Features of the jammed regime: 1, last, median, exponential mean (all / ff), trend, downstream JF / 10. */
const DIM = 6;

interface HaAcc {
  sum: number;
  n: number;
}

interface SegmentHistory {
  readonly median: SlidingMedian;
  ew: number;
  /** step number -> speed (last 7 steps, for the trend). */
  readonly recent: Map<number, number>;
}

export class Forecaster {
  readonly #bucketMs: number;
  readonly #stepMs: number;
  readonly #medianSteps: number;
  readonly #ewAlpha: number;
  readonly #models = new Map<HorizonMin, LadRegressor>();
  readonly #ha = new Map<string, HaAcc>();
  readonly #haAll = new Map<string, HaAcc>();
  readonly #hist = new Map<string, SegmentHistory>();
  /** Jammed segments' features per step, kept until the longest horizon has passed: step -> segment -> (x, ff). */
  readonly #pending = new Map<number, Map<string, { x: Float64Array; ff: number }>>();

  constructor(options: ForecasterOptions = {}) {
    this.#bucketMs = options.bucketMs ?? 15 * 60_000;
    this.#stepMs = options.stepMs ?? 10_000;
    this.#medianSteps = options.medianWindowSteps ?? 360;
    this.#ewAlpha = 1 - Math.pow(0.5, 1 / (options.ewHalfLifeSteps ?? 30));
    for (const h of HORIZONS_MIN) this.#models.set(h, new LadRegressor(DIM, { eta: options.ladEta ?? 0.002, initial: [0, 0, 1, 0, 0, 0] }));
  }

  /** Historical average (the baseline) for a segment at time t (before this step's data is added). */
  ha(segmentId: string, atMs: number, freeFlowMps: number): number {
    const b = this.#ha.get(`${segmentId}|${this.#bucket(atMs)}`);
    if (b !== undefined && b.n > 0) return b.sum / b.n;
    const a = this.#haAll.get(segmentId);
    return a !== undefined && a.n > 0 ? a.sum / a.n : freeFlowMps;
  }

  /** Historical median of a segment's window means (before this step's), or `freeFlowMps` if none yet. */
  historicalMedian(segmentId: string, freeFlowMps: number): number {
    return this.#hist.get(segmentId)?.median.median(freeFlowMps) ?? freeFlowMps;
  }

  /** One step: trains on targets now known, then forecasts every segment given. */
  step(inputs: readonly SegmentInput[], nowMs: number): SpeedForecast[] {
    const stepNo = Math.round(nowMs / this.#stepMs);
    this.#train(inputs, stepNo);
    const feats = new Map<string, { x: Float64Array; ff: number }>();
    const out: SpeedForecast[] = [];
    for (const inp of inputs) {
      const ff = inp.freeFlowMps;
      const ha = this.ha(inp.segmentId, nowMs, ff);
      const hist = this.#history(inp.segmentId, inp.speedMps);
      const med = hist.median.median(ff);
      hist.ew += this.#ewAlpha * (inp.speedMps - hist.ew);
      const minuteAgo = hist.recent.get(stepNo - 6);
      const trend = minuteAgo === undefined ? 0 : (inp.speedMps - minuteAgo) / ff;
      const jammed = inp.jamFactor >= 5;
      const x = jammed ? Float64Array.from([1, inp.speedMps / ff, med / ff, hist.ew / ff, trend, inp.downstreamJamFactor / 10]) : undefined;
      if (x !== undefined) feats.set(inp.segmentId, { x, ff });
      for (const h of HORIZONS_MIN) {
        const y = x === undefined ? med : clamp((this.#models.get(h) as LadRegressor).predict(x) * ff, 0, 1.3 * ff);
        out.push({ segmentId: inp.segmentId, atMs: nowMs, horizonMin: h, model: r2(y), ha: r2(ha), last: r2(inp.speedMps) });
      }
      this.#remember(inp.segmentId, hist, stepNo, inp.speedMps, nowMs);
    }
    this.#pending.set(stepNo, feats);
    return out;
  }

  /** Learned weights per horizon (for the docs and the report). */
  weights(): Record<string, number[]> {
    const o: Record<string, number[]> = {};
    for (const [h, m] of this.#models) o[`+${h}`] = [...m.weights].map((w) => Math.round(w * 1000) / 1000);
    return o;
  }

  /** Targets observed now (this step's window means) for the jammed features recorded h minutes ago. */
  #train(inputs: readonly SegmentInput[], stepNo: number): void {
    for (const h of HORIZONS_MIN) {
      const past = this.#pending.get(stepNo - (h * 60_000) / this.#stepMs);
      if (past === undefined || past.size === 0) continue;
      const model = this.#models.get(h) as LadRegressor;
      for (const inp of inputs) {
        const f = past.get(inp.segmentId);
        if (f !== undefined) model.update(f.x, inp.speedMps / f.ff);
      }
    }
    this.#pending.delete(stepNo - (Math.max(...HORIZONS_MIN) * 60_000) / this.#stepMs);
  }

  #history(id: string, speed: number): SegmentHistory {
    let h = this.#hist.get(id);
    if (h === undefined) {
      h = { median: new SlidingMedian(this.#medianSteps), ew: speed, recent: new Map() };
      this.#hist.set(id, h);
    }
    return h;
  }

  #remember(id: string, hist: SegmentHistory, stepNo: number, speed: number, nowMs: number): void {
    hist.median.push(speed);
    hist.recent.set(stepNo, speed);
    hist.recent.delete(stepNo - 7);
    const key = `${id}|${this.#bucket(nowMs)}`;
    const b = this.#ha.get(key) ?? { sum: 0, n: 0 };
    b.sum += speed;
    b.n++;
    this.#ha.set(key, b);
    const a = this.#haAll.get(id) ?? { sum: 0, n: 0 };
    a.sum += speed;
    a.n++;
    this.#haAll.set(id, a);
  }

  #bucket(ms: number): number {
    return Math.floor((ms % 86_400_000) / this.#bucketMs);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function r2(v: number): number {
  return Math.round(v * 100) / 100;
}

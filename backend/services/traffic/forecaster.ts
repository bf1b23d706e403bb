/**
 * Speed forecasts per segment at +5, +10 and +15 min: the model and two baselines, side by side.
 *
 * All three read one series per segment: the 60 s window's time-mean speed (mean of all samples,
 * what the ground truth measures), so they differ only in how they use it.
 * - last value: the latest window's time-mean speed.
 * - historical average (ha): the mean of every window mean seen so far on the segment in the same
 *   time-of-day bucket (15 min), else in any bucket, else the free-flow speed.
 * - model: two regimes. A calm segment (not jammed now, jam factor < 5) is forecast by its historical average: in
 *   calm traffic the future is the usual, and a least-squares fit there trades the typical
 *   segment's error for the rare jam's (it fits the mean; MAE rewards the median). A jammed
 *   segment is forecast by a linear regression on speeds relative to free flow, learned online on
 *   jammed samples only by recursive least squares (one per horizon, shared by all segments).
 *   Features: 1, last/ff, ha/ff, the trend over the last minute, the jam factor of the downstream
 *   continuation (queues spill back upstream), jammed now, and the products jammed x last,
 *   jammed x ha, c x last, c x ha with c = min(1, cars in the window / 5): a jammed or
 *   well-observed segment trusts its last value more, a sparsely observed one its history.
 *   Each step's features are kept until their horizon has passed; the window mean observed at
 *   t + h is then the training target (forgetting factor 0.999, a memory of about 1,000
 *   samples, so the chaos of the first minutes, when random placement puts cars
 *   everywhere at once, is forgotten). Nothing is downloaded; the regression starts from "predict last".
 * Forecasts are clamped to [0, 1.3 x free flow].
 */
import { Rls } from './rls.js';
import { HORIZONS_MIN, type HorizonMin, type SpeedForecast } from './types.js';

export interface ForecasterOptions {
  readonly bucketMs?: number;
  readonly stepMs?: number;
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

const DIM = 10;

interface HaAcc {
  sum: number;
  n: number;
}

export class Forecaster {
  readonly #bucketMs: number;
  readonly #stepMs: number;
  readonly #models = new Map<HorizonMin, Rls>();
  readonly #ha = new Map<string, HaAcc>();
  readonly #haAll = new Map<string, HaAcc>();
  /** Speed history per segment: step number -> speed (last 7 steps). */
  readonly #recent = new Map<string, Map<number, number>>();
  /** Features per step for training: step -> segment -> (x, ff). */
  readonly #pending = new Map<number, Map<string, { x: Float64Array; ff: number; disturbed: boolean }>>();

  constructor(options: ForecasterOptions = {}) {
    this.#bucketMs = options.bucketMs ?? 15 * 60_000;
    this.#stepMs = options.stepMs ?? 10_000;
    for (const h of HORIZONS_MIN)
      this.#models.set(h, new Rls(DIM, { initial: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0], delta: 0.001, lambda: 0.999 }));
  }

  /** Historical average for a segment at time t (before this step's data is added). */
  ha(segmentId: string, atMs: number, freeFlowMps: number): number {
    const b = this.#ha.get(`${segmentId}|${this.#bucket(atMs)}`);
    if (b !== undefined && b.n > 0) return b.sum / b.n;
    const a = this.#haAll.get(segmentId);
    return a !== undefined && a.n > 0 ? a.sum / a.n : freeFlowMps;
  }

  /** One step: trains on targets now known, then forecasts every segment given. */
  step(inputs: readonly SegmentInput[], nowMs: number): SpeedForecast[] {
    const stepNo = Math.round(nowMs / this.#stepMs);
    // train: targets observed now for features recorded h minutes ago
    for (const h of HORIZONS_MIN) {
      const past = this.#pending.get(stepNo - (h * 60_000) / this.#stepMs);
      if (past === undefined) continue;
      const model = this.#models.get(h) as Rls;
      for (const inp of inputs) {
        const f = past.get(inp.segmentId);
        if (f !== undefined && f.disturbed) model.update(f.x, inp.speedMps / f.ff);
      }
    }
    const maxH = Math.max(...HORIZONS_MIN);
    this.#pending.delete(stepNo - (maxH * 60_000) / this.#stepMs);
    const feats = new Map<string, { x: Float64Array; ff: number; disturbed: boolean }>();
    const out: SpeedForecast[] = [];
    for (const inp of inputs) {
      const ff = inp.freeFlowMps;
      const ha = this.ha(inp.segmentId, nowMs, ff);
      const rec = this.#recent.get(inp.segmentId);
      const minuteAgo = rec?.get(stepNo - 6);
      const trend = minuteAgo === undefined ? 0 : (inp.speedMps - minuteAgo) / ff;
      const last = inp.speedMps / ff;
      const hr = ha / ff;
      const jam = inp.jamFactor >= 5 ? 1 : 0;
      const conf = Math.min(1, inp.count / 5);
      const x = Float64Array.from([1, last, hr, trend, inp.downstreamJamFactor / 10, jam, jam * last, jam * hr, conf * last, conf * hr]);
      const disturbed = jam === 1;
      feats.set(inp.segmentId, { x, ff, disturbed });
      for (const h of HORIZONS_MIN) {
        const model = this.#models.get(h) as Rls;
        const y = disturbed ? clamp(model.predict(x) * ff, 0, 1.3 * ff) : ha;
        out.push({ segmentId: inp.segmentId, atMs: nowMs, horizonMin: h, model: r2(y), ha: r2(ha), last: r2(inp.speedMps) });
      }
      this.#remember(inp.segmentId, stepNo, inp.speedMps, nowMs);
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

  #remember(id: string, stepNo: number, speed: number, nowMs: number): void {
    let rec = this.#recent.get(id);
    if (rec === undefined) {
      rec = new Map();
      this.#recent.set(id, rec);
    }
    rec.set(stepNo, speed);
    rec.delete(stepNo - 7);
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

/**
 * The traffic service's core between the Kafka shell and the detector: decoded telemetry in,
 * everything the role publishes out. No I/O; its clock is the records' own time. The watermark is
 * the latest fix time seen; a window step at t runs once the watermark passes t + `latenessMs` (fixes
 * from several partitions arrive a little out of order), every `stepMs`. `advanceTo(ms)` moves the
 * watermark without data (the shell calls it when telemetry stops, so jams still clear).
 *
 * Per step it yields: jam events, per-segment status with the three forecasts at +5/+10/+15 min,
 * predicted jams (detector warnings), and warnings to cars: a car last matched within
 * `warningDistanceM` upstream (by road) of the tail of a jam that started, or of a segment where a
 * jam is predicted, and heading towards it (`warnSelect`, default 'approaching': on the same road
 * and direction, or its last two segments bring it closer), gets one warning per jam (a predicted
 * spillback counts as its jam; not again on jam_updated) (docs/traffic.md, "Warnings to cars").
 */
import type { RoadNetwork } from '../../../road/network.js';
import type { SegmentIndex } from '../../../road/spatial-index.js';
import type { CarWarning } from '../../../protocol/schemas/warnings.js';
import type { Telemetry } from '../../../protocol/schemas/telemetry.js';
import { TrafficDetector, type DetectorOptions } from './detector.js';
import type { Fix, Jam, JamEvent, JamWarning, MatchedFix, SegmentStatus, SpeedForecast } from './types.js';
import { type WarnSelect } from './upstream.js';
import { warnCarsTowards } from './warn-fanout.js';

export interface TrafficServiceOptions {
  readonly stepMs?: number;
  readonly latenessMs?: number;
  readonly warningDistanceM?: number;
  readonly warningTtlSeconds?: number;
  /** Which upstream cars are warned (default 'approaching': heading towards the jam; docs/traffic.md). */
  readonly warnSelect?: WarnSelect;
  readonly detector?: DetectorOptions;
  /**
   * Record time may not run past wall time plus maxAheadMs (issue 19: one fix stamped ten years
   * ahead stopped every window step): a fix further ahead is dropped (counted in `future`) and the
   * watermark never passes the bound. Absent (offline evaluation) or maxAheadMs 0: no bound.
   */
  readonly timeBound?: { readonly now: () => number; readonly maxAheadMs: number };
}

/** One segment's latest state with its forecasts (the value of a `segment` record on the traffic topic). */
export interface SegmentReport {
  readonly type: 'segment';
  readonly segmentId: string;
  readonly atMs: number;
  readonly jamFactor: number;
  readonly jammed: boolean;
  readonly count: number;
  readonly meanSpeedMps: number;
  readonly freeFlowMps: number;
  /** Model forecast, m/s, at +5/+10/+15 min. */
  readonly forecast: { readonly '5': number; readonly '10': number; readonly '15': number };
}

export interface StepResult {
  readonly atMs: number;
  readonly events: readonly JamEvent[];
  readonly segments: readonly SegmentReport[];
  readonly predicted: readonly JamWarning[];
  /** Forecasts of the step: model and both baselines. */
  readonly forecasts: readonly SpeedForecast[];
  readonly carWarnings: readonly CarWarning[];
  /** Per car warning (same order): the segments to avoid (the jam's, or the predicted one). */
  readonly avoid: readonly (readonly string[])[];
}

export class TrafficService {
  readonly detector: TrafficDetector;
  readonly network: RoadNetwork;
  readonly #stepMs: number;
  readonly #latenessMs: number;
  readonly #distM: number;
  readonly #ttlMs: number;
  readonly #select: WarnSelect;
  #watermark = -Infinity;
  #nextStep: number | undefined;
  #predicted: JamWarning[] = [];
  #segments = new Map<string, SegmentStatus>();
  #lastStepMs = 0;
  /** Warned (vin|jam or segment) -> expiry. */
  readonly #warned = new Map<string, number>();
  #warningSeq = 0;
  fixes = 0;
  late = 0;
  /** Fixes of parked cars, not matched. */
  parked = 0;
  /** Fixes dropped for being stamped too far ahead of the wall clock (timeBound). */
  future = 0;
  readonly #bound: TrafficServiceOptions['timeBound'];

  constructor(index: SegmentIndex, options: TrafficServiceOptions = {}) {
    this.network = index.network;
    this.#stepMs = options.stepMs ?? 10_000;
    this.detector = new TrafficDetector(index, { stepMs: this.#stepMs, ...options.detector });
    this.#latenessMs = options.latenessMs ?? 2000;
    this.#distM = options.warningDistanceM ?? 800;
    this.#ttlMs = (options.warningTtlSeconds ?? 600) * 1000;
    this.#select = options.warnSelect ?? 'approaching';
    this.#bound = options.timeBound !== undefined && options.timeBound.maxAheadMs > 0 ? options.timeBound : undefined;
  }

  /** The latest record time the clock may reach now. */
  #latestAllowed(): number {
    return this.#bound === undefined ? Infinity : this.#bound.now() + this.#bound.maxAheadMs;
  }

  get watermarkMs(): number {
    return this.#watermark;
  }

  /** Live jams now. */
  get jams(): readonly Jam[] {
    return this.detector.tracker.jams;
  }

  /** Predicted jams still ahead (expected after the last step). */
  get predicted(): readonly JamWarning[] {
    return this.#predicted;
  }

  /** Latest jam factor per segment seen in the last step. */
  segmentsFrame(): { atMs: number; segments: [string, number][] } {
    return { atMs: this.#lastStepMs, segments: [...this.#segments.values()].map((s) => [s.key, s.jamFactor]) };
  }

  /** One telemetry message; returns the steps that became due. A parked car (ignition off or in P)
   * is not traffic: its fix moves the clock but is not matched, or every car park would be a jam. */
  ingest(t: Telemetry): StepResult[] {
    if (!t.ignition || t.gear === 'P') {
      this.parked++;
      return this.advanceTo(t.ts);
    }
    return this.ingestFix({
      vin: t.vin,
      ts: t.ts,
      lon: t.gps.lon,
      lat: t.gps.lat,
      headingDeg: t.gps.heading,
      speedMps: t.gps.speedKmh / 3.6,
    });
  }

  ingestFix(fix: Fix): StepResult[] {
    if (fix.ts > this.#latestAllowed()) {
      this.future++;
      return [];
    }
    if (this.#nextStep !== undefined && fix.ts < this.#nextStep - this.#stepMs) this.late++;
    this.fixes++;
    this.detector.ingest(fix);
    return this.advanceTo(fix.ts);
  }

  /** A fix matched where telemetry is consumed (repartitioned by road: role.ts); the clock moves as with ingestFix. */
  ingestMatched(m: MatchedFix): StepResult[] {
    if (m.ts > this.#latestAllowed()) {
      this.future++;
      return [];
    }
    if (this.#nextStep !== undefined && m.ts < this.#nextStep - this.#stepMs) this.late++;
    this.fixes++;
    this.detector.ingestMatched(m);
    return this.advanceTo(m.ts);
  }

  /** Moves the record clock to `ms` (never back, never past the time bound) and runs the steps now due. */
  advanceTo(ms: number): StepResult[] {
    ms = Math.min(ms, this.#latestAllowed());
    if (ms > this.#watermark) this.#watermark = ms;
    this.#nextStep ??= (Math.floor(this.#watermark / this.#stepMs) + 1) * this.#stepMs;
    const out: StepResult[] = [];
    // after a long gap, skip to the last few steps instead of replaying empty ones
    if (this.#watermark - this.#latenessMs - this.#nextStep > 10 * this.#stepMs) {
      this.#nextStep = (Math.floor((this.#watermark - this.#latenessMs) / this.#stepMs) - 6) * this.#stepMs;
    }
    while (this.#nextStep + this.#latenessMs <= this.#watermark) {
      out.push(this.#step(this.#nextStep));
      this.#nextStep += this.#stepMs;
    }
    return out;
  }

  #step(atMs: number): StepResult {
    const r = this.detector.step(atMs);
    this.#lastStepMs = atMs;
    this.#segments = new Map(r.statuses.map((s) => [s.key, s]));
    this.#predicted = [
      ...this.#predicted.filter((p) => p.expectedMs > atMs && !r.warnings.some((w) => w.segmentId === p.segmentId)),
      ...r.warnings,
    ];
    const byId = new Map<string, Record<number, number>>();
    for (const f of r.forecasts) {
      const m = byId.get(f.segmentId) ?? {};
      m[f.horizonMin] = f.model;
      byId.set(f.segmentId, m);
    }
    const segments: SegmentReport[] = r.statuses.map((s) => {
      const f = byId.get(s.key) ?? {};
      return {
        type: 'segment',
        segmentId: s.key,
        atMs,
        jamFactor: s.jamFactor,
        jammed: s.jammed,
        count: s.count,
        meanSpeedMps: Math.round(s.sampleMeanSpeedMps * 100) / 100,
        freeFlowMps: s.freeFlowMps,
        forecast: { '5': f[5] ?? s.freeFlowMps, '10': f[10] ?? s.freeFlowMps, '15': f[15] ?? s.freeFlowMps },
      };
    });
    const cw = this.#carWarnings(r.events, r.warnings, r.forecasts, atMs);
    return { atMs, events: r.events, segments, predicted: r.warnings, forecasts: r.forecasts, carWarnings: cw.warnings, avoid: cw.avoid };
  }

  #carWarnings(
    events: readonly JamEvent[],
    predicted: readonly JamWarning[],
    forecasts: readonly SpeedForecast[],
    atMs: number,
  ): { warnings: CarWarning[]; avoid: (readonly string[])[] } {
    for (const [k, exp] of this.#warned) if (exp <= atMs) this.#warned.delete(k);
    const out: CarWarning[] = [];
    const avoid: (readonly string[])[] = [];
    const targets: {
      key: string;
      segment: number;
      speedMps: number | undefined;
      lengthM: number;
      message: string;
      severity: 'warning' | 'info';
      avoid: readonly string[];
    }[] = [];
    for (const e of events) {
      if (e.type !== 'jam_started') continue;
      const s = this.network.segmentIndexById.get(e.jam.tailSegment);
      if (s === undefined) continue;
      const st = this.#segments.get(e.jam.tailSegment);
      targets.push({
        key: e.jam.id,
        segment: s,
        speedMps: st?.sampleMeanSpeedMps,
        lengthM: e.jam.lengthM,
        message: `traffic jam ahead: ${Math.round(e.jam.lengthM)} m`,
        severity: 'warning',
        avoid: e.jam.segments,
      });
    }
    for (const p of predicted) {
      const s = this.network.segmentIndexById.get(p.segmentId);
      if (s === undefined) continue;
      const f = forecasts.find((x) => x.segmentId === p.segmentId && x.horizonMin === 10);
      const inMin = Math.max(0, Math.round((p.expectedMs - atMs) / 60_000));
      targets.push({
        // a queue spilling back is the jam it comes from: a car warned of that jam is not warned again
        key: p.jamId ?? `pred:${p.segmentId}`,
        segment: s,
        speedMps: f?.model,
        lengthM: this.network.segLength[s] as number,
        message: `traffic jam expected within ${inMin} min`,
        severity: 'info',
        avoid: [p.segmentId],
      });
    }
    const fanout = { distanceM: this.#distM, ttlMs: this.#ttlMs, select: this.#select };
    for (const t of targets) {
      const content = { ...t, atMs, ...(t.speedMps === undefined ? {} : { speedMps: t.speedMps }) };
      const warnings = warnCarsTowards(
        this.network,
        this.detector.matcher,
        t.segment,
        content,
        fanout,
        this.#warned,
        () => `tj-${atMs.toString(36)}-${(this.#warningSeq++).toString(36)}`,
      );
      for (const w of warnings) {
        out.push(w);
        avoid.push(t.avoid);
      }
    }
    return { warnings: out, avoid };
  }
}

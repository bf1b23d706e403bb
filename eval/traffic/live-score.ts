/**
 * Scoring the live traffic service (issue 20): what it wrote to Kafka (jam events on `jams`,
 * segment statuses with forecasts and predicted jams on `traffic`) against outside truth records
 * (external-truth.ts), with the metrics of the in-process evaluation (score.ts): episode recall,
 * precision and delay, forecast MAE of the model and of both baselines, warning lead; plus the
 * segment-time overlap and a per-minute timeline. Pure.
 *
 * The baselines are rebuilt from what the service reported, as its forecaster builds them: last =
 * the segment's window mean at the forecast time; ha = the mean of the segment's earlier window
 * means in the same 15 min time-of-day bucket (else any bucket, else free flow).
 */
import type { JamEvent, JamWarning, SpeedForecast } from '../../backend/services/traffic/types.js';
import type { SegmentTruthRecord } from '../../simulator/traffic/ground-truth.js';
import { coverageFromEvents, scoreDetection, scoreForecasts, scoreWarnings, type Coverage, type TrafficReport } from './score.js';
import { trueJams, TruthSpeeds, type TrueJam, type TruthOptions } from './truth.js';

export interface LiveJamEvent {
  readonly type: string;
  readonly atMs: number;
  readonly jam?: { readonly id: string; readonly segments: readonly string[] };
  readonly segmentId?: string;
  readonly expectedMs?: number;
  readonly jamId?: string;
}

export interface LiveSegmentRecord {
  readonly type: 'segment';
  readonly segmentId: string;
  readonly atMs: number;
  readonly meanSpeedMps: number;
  readonly freeFlowMps: number;
  readonly forecast: Readonly<Record<'5' | '10' | '15', number>>;
}

export interface LiveInputs {
  /** jam_started / jam_updated / jam_cleared from `jams`, in order. */
  readonly jamEvents: readonly LiveJamEvent[];
  /** `segment` and `jam_predicted` records from `traffic`. */
  readonly trafficRecords: readonly (LiveSegmentRecord | LiveJamEvent)[];
  readonly truth: readonly SegmentTruthRecord[];
  readonly warmupEndMs: number;
  readonly endMs: number;
  readonly truthOptions?: TruthOptions;
}

export interface LiveScore {
  readonly report: TrafficReport & { readonly overlap: { readonly true_time_detected: number; readonly detected_time_true: number } };
  readonly trueJams: readonly TrueJam[];
  readonly detectedJams: number;
  readonly missed: readonly TrueJam[];
  readonly falseAlarms: readonly { readonly jamId: string; readonly segments: readonly string[]; readonly fromMs: number }[];
  readonly delays_s: readonly number[];
  /** Per minute from the warm-up end: segments truly jammed, segments covered by a detected jam. */
  readonly timeline: readonly { readonly minute: number; readonly trueSegments: number; readonly detectedSegments: number }[];
  readonly forecastsScored: number;
}

function forecastsFrom(records: readonly LiveSegmentRecord[], fromMs: number): SpeedForecast[] {
  const out: SpeedForecast[] = [];
  const hist = new Map<string, Map<number, { sum: number; n: number }>>();
  for (const r of [...records].sort((a, b) => a.atMs - b.atMs)) {
    const bucket = Math.floor((r.atMs % 86_400_000) / 900_000);
    const h = hist.get(r.segmentId) ?? new Map<number, { sum: number; n: number }>();
    hist.set(r.segmentId, h);
    const same = h.get(bucket);
    let ha = r.freeFlowMps;
    if (same !== undefined && same.n > 0) ha = same.sum / same.n;
    else {
      let sum = 0;
      let n = 0;
      for (const b of h.values()) {
        sum += b.sum;
        n += b.n;
      }
      if (n > 0) ha = sum / n;
    }
    if (r.atMs >= fromMs) {
      for (const m of [5, 10, 15] as const) {
        out.push({ segmentId: r.segmentId, atMs: r.atMs, horizonMin: m, model: r.forecast[String(m) as '5'], ha, last: r.meanSpeedMps });
      }
    }
    const b = h.get(bucket) ?? { sum: 0, n: 0 };
    b.sum += r.meanSpeedMps;
    b.n++;
    h.set(bucket, b);
  }
  return out;
}

function intersectMs(a: readonly { fromMs: number; toMs: number }[], b: readonly { fromMs: number; toMs: number }[]): number {
  let sum = 0;
  for (const x of a) for (const y of b) sum += Math.max(0, Math.min(x.toMs, y.toMs) - Math.max(x.fromMs, y.fromMs));
  return sum;
}

export function scoreLive(input: LiveInputs): LiveScore {
  const warm = input.warmupEndMs;
  // truth after the replay's end cannot be detected: only the replayed span is scored
  const allTruth = trueJams(
    input.truth.filter((r) => r.timeMs <= input.endMs),
    input.truthOptions,
  );
  const truth = allTruth.filter((j) => j.startMs >= warm);
  const jamEvents = input.jamEvents.filter((e) => e.jam !== undefined) as unknown as JamEvent[];
  const coverage = coverageFromEvents(jamEvents, input.endMs);
  const startOf = new Map<string, number>();
  for (const e of jamEvents) if (e.type === 'jam_started' && !startOf.has(e.jam.id)) startOf.set(e.jam.id, e.atMs);
  const scored = coverage.filter((c) => (startOf.get(c.jamId) ?? 0) >= warm);
  const det = scoreDetection(truth, scored, 60_000, allTruth);
  const segRecords = input.trafficRecords.filter((r): r is LiveSegmentRecord => r.type === 'segment');
  const fc = scoreForecasts(forecastsFrom(segRecords, warm), new TruthSpeeds(input.truth));
  const warnings: JamWarning[] = input.trafficRecords
    .filter((r): r is LiveJamEvent => r.type === 'jam_predicted' && r.atMs >= warm)
    .map((r) => ({
      segmentId: r.segmentId ?? '',
      atMs: r.atMs,
      expectedMs: r.expectedMs ?? r.atMs,
      jamId: r.jamId,
      reason: 'forecast' as const,
    }));
  const warn = scoreWarnings(warnings, truth);

  // segment-time overlap after the warm-up
  const clip = (iv: { fromMs: number; toMs: number }) => ({ fromMs: Math.max(iv.fromMs, warm), toMs: Math.min(iv.toMs, input.endMs) });
  const trueBySeg = new Map<string, { fromMs: number; toMs: number }[]>();
  for (const t of allTruth) trueBySeg.set(t.segmentId, [...(trueBySeg.get(t.segmentId) ?? []), clip({ fromMs: t.startMs, toMs: t.endMs })]);
  const detBySeg = new Map<string, { fromMs: number; toMs: number }[]>();
  for (const c of coverage) detBySeg.set(c.segmentId, [...(detBySeg.get(c.segmentId) ?? []), clip(c)]);
  const total = (m: Map<string, { fromMs: number; toMs: number }[]>): number =>
    [...m.values()].flat().reduce((s, iv) => s + Math.max(0, iv.toMs - iv.fromMs), 0);
  let both = 0;
  for (const [seg, tv] of trueBySeg) both += intersectMs(tv, detBySeg.get(seg) ?? []);
  const trueTime = total(trueBySeg);
  const detTime = total(detBySeg);

  const matched = (t: TrueJam, cs: readonly Coverage[]): boolean =>
    cs.some((c) => c.segmentId === t.segmentId && !(c.toMs < t.startMs || c.fromMs > t.endMs + 60_000));
  const missed = truth.filter((t) => !matched(t, scored));
  const truthMatchedJam = new Set<string>();
  for (const c of scored)
    if (allTruth.some((t) => t.segmentId === c.segmentId && !(c.toMs < t.startMs || c.fromMs > t.endMs + 60_000)))
      truthMatchedJam.add(c.jamId);
  const falseAlarms = [...new Set(scored.map((c) => c.jamId))]
    .filter((id) => !truthMatchedJam.has(id))
    .map((jamId) => ({
      jamId,
      segments: [...new Set(scored.filter((c) => c.jamId === jamId).map((c) => c.segmentId))],
      fromMs: startOf.get(jamId) ?? 0,
    }));

  const timeline: { minute: number; trueSegments: number; detectedSegments: number }[] = [];
  for (let t = warm, minute = 0; t < input.endMs; t += 60_000, minute++) {
    const at = t + 30_000;
    let tr = 0;
    let dt = 0;
    for (const tv of trueBySeg.values()) if (tv.some((iv) => iv.fromMs <= at && at < iv.toMs)) tr++;
    for (const dv of detBySeg.values()) if (dv.some((iv) => iv.fromMs <= at && at < iv.toMs)) dt++;
    timeline.push({ minute, trueSegments: tr, detectedSegments: dt });
  }
  const r3 = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    report: {
      detection: {
        precision: det.precision,
        recall: det.recall,
        f1: det.f1,
        median_delay_s: det.median_delay_s,
        p90_delay_s: det.p90_delay_s,
      },
      forecast: { mae_5: fc.mae_5, mae_10: fc.mae_10, mae_15: fc.mae_15, rmse_10: fc.rmse_10 },
      warnings: { median_lead_s: warn.median_lead_s },
      overlap: { true_time_detected: trueTime === 0 ? 0 : r3(both / trueTime), detected_time_true: detTime === 0 ? 0 : r3(both / detTime) },
    },
    trueJams: truth,
    detectedJams: new Set(scored.map((c) => c.jamId)).size,
    missed,
    falseAlarms,
    delays_s: det.delays_s,
    timeline,
    forecastsScored: fc.n_10,
  };
}

/**
 * Scoring a detector's outputs against the ground truth. Definitions (docs/traffic.md):
 *
 * Detected jam: one jam id from the jam events, with the set of segments it covered over its life
 *   and, per segment, the intervals during which it covered it.
 * Match: a detected jam and a true jam (a segment episode, see truth.ts) match when the detected jam
 *   covered the true jam's segment at some time in [true start, true end + toleranceMs].
 * precision = detected jams matching at least one true jam / detected jams;
 * recall    = true jams matched by at least one detected jam / true jams;
 * f1        = harmonic mean.
 * Detection delay of a matched true jam: the first time a detected jam covered its segment within
 *   that span, minus the true start (clamped at 0 when the detection was already there).
 * Forecast errors: over every (segment, t, horizon) forecast whose truth speed at t + h exists.
 * Warning lead time: for each warning, if a true jam starts on its segment within
 *   [warning time, warning time + leadHorizonMs], the lead is that start minus the warning time.
 */
import { percentile } from '../../backend/services/traffic/windows.js';
import type { JamEvent, JamWarning, SpeedForecast } from '../../backend/services/traffic/types.js';
import type { TrueJam, TruthSpeeds } from './truth.js';

export interface TrafficReport {
  readonly detection: { precision: number; recall: number; f1: number; median_delay_s: number; p90_delay_s: number };
  readonly forecast: {
    mae_5: Trio;
    mae_10: Trio;
    mae_15: Trio;
    rmse_10: Trio;
  };
  readonly warnings: { median_lead_s: number };
}

export interface Trio {
  model: number;
  ha: number;
  last: number;
}

export interface Coverage {
  readonly jamId: string;
  readonly segmentId: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** Per jam id and segment, the intervals it covered, from the event stream (open ones end at endMs). */
export function coverageFromEvents(events: readonly JamEvent[], endMs: number, stepMs = 10_000): Coverage[] {
  const open = new Map<string, Map<string, number>>();
  const out: Coverage[] = [];
  for (const e of events) {
    const cur = open.get(e.jam.id) ?? new Map<string, number>();
    open.set(e.jam.id, cur);
    const now = e.type === 'jam_cleared' ? new Set<string>() : new Set(e.jam.segments);
    for (const [seg, from] of cur) {
      if (!now.has(seg)) {
        out.push({ jamId: e.jam.id, segmentId: seg, fromMs: from, toMs: e.atMs - (e.type === 'jam_cleared' ? stepMs : 0) });
        cur.delete(seg);
      }
    }
    for (const seg of now) if (!cur.has(seg)) cur.set(seg, e.atMs);
    if (e.type === 'jam_cleared') open.delete(e.jam.id);
  }
  for (const [jamId, cur] of open) for (const [seg, from] of cur) out.push({ jamId, segmentId: seg, fromMs: from, toMs: endMs });
  return out;
}

/**
 * `precisionTruth` (default: `truth`): the true jams a detected jam may match for precision. The
 * evaluation passes every true jam there, warm-up included, and only the scored ones as `truth`: a
 * detection at the end of the warm-up of a true jam that began during it is not a false alarm.
 */
export function scoreDetection(
  truth: readonly TrueJam[],
  coverage: readonly Coverage[],
  toleranceMs = 60_000,
  precisionTruth: readonly TrueJam[] = truth,
): { precision: number; recall: number; f1: number; median_delay_s: number; p90_delay_s: number; delays_s: number[] } {
  const bySeg = new Map<string, Coverage[]>();
  for (const c of coverage) {
    const l = bySeg.get(c.segmentId) ?? [];
    l.push(c);
    bySeg.set(c.segmentId, l);
  }
  const jamIds = new Set(coverage.map((c) => c.jamId));
  const matchedJams = new Set<string>();
  const delays: number[] = [];
  let recalled = 0;
  const overlaps = (c: Coverage, t: TrueJam): boolean => !(c.toMs < t.startMs || c.fromMs > t.endMs + toleranceMs);
  for (const t of precisionTruth) for (const c of bySeg.get(t.segmentId) ?? []) if (overlaps(c, t)) matchedJams.add(c.jamId);
  for (const t of truth) {
    let first = Infinity;
    for (const c of bySeg.get(t.segmentId) ?? []) {
      if (!overlaps(c, t)) continue;
      matchedJams.add(c.jamId);
      first = Math.min(first, c.fromMs);
    }
    if (first < Infinity) {
      recalled++;
      delays.push(Math.max(0, first - t.startMs) / 1000);
    }
  }
  const precision = jamIds.size === 0 ? 0 : matchedJams.size / jamIds.size;
  const recall = truth.length === 0 ? 0 : recalled / truth.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const sorted = delays.slice().sort((a, b) => a - b);
  return {
    precision: r3(precision),
    recall: r3(recall),
    f1: r3(f1),
    median_delay_s: r1(percentile(sorted, 50)),
    p90_delay_s: r1(percentile(sorted, 90)),
    delays_s: sorted,
  };
}

export function scoreForecasts(forecasts: readonly SpeedForecast[], truth: TruthSpeeds): TrafficReport['forecast'] & { n_10: number } {
  const acc = new Map<number, { ae: Trio; se: Trio; n: number }>();
  for (const f of forecasts) {
    const y = truth.at(f.segmentId, f.atMs + f.horizonMin * 60_000);
    if (y === undefined) continue;
    const a = acc.get(f.horizonMin) ?? { ae: { model: 0, ha: 0, last: 0 }, se: { model: 0, ha: 0, last: 0 }, n: 0 };
    acc.set(f.horizonMin, a);
    for (const k of ['model', 'ha', 'last'] as const) {
      const e = f[k] - y;
      a.ae[k] += Math.abs(e);
      a.se[k] += e * e;
    }
    a.n++;
  }
  const mae = (h: number): Trio => {
    const a = acc.get(h);
    if (a === undefined || a.n === 0) return { model: NaN, ha: NaN, last: NaN };
    return { model: r3(a.ae.model / a.n), ha: r3(a.ae.ha / a.n), last: r3(a.ae.last / a.n) };
  };
  const a10 = acc.get(10);
  const rmse10: Trio =
    a10 === undefined || a10.n === 0
      ? { model: NaN, ha: NaN, last: NaN }
      : { model: r3(Math.sqrt(a10.se.model / a10.n)), ha: r3(Math.sqrt(a10.se.ha / a10.n)), last: r3(Math.sqrt(a10.se.last / a10.n)) };
  return { mae_5: mae(5), mae_10: mae(10), mae_15: mae(15), rmse_10: rmse10, n_10: a10?.n ?? 0 };
}

export function scoreWarnings(
  warnings: readonly JamWarning[],
  truth: readonly TrueJam[],
  leadHorizonMs = 15 * 60_000,
): { median_lead_s: number; leads_s: number[] } {
  const bySeg = new Map<string, TrueJam[]>();
  for (const t of truth) bySeg.set(t.segmentId, [...(bySeg.get(t.segmentId) ?? []), t]);
  const leads: number[] = [];
  for (const w of warnings) {
    let best = Infinity;
    for (const t of bySeg.get(w.segmentId) ?? []) {
      const lead = t.startMs - w.atMs;
      if (lead >= 0 && lead <= leadHorizonMs && lead < best) best = lead;
    }
    if (best < Infinity) leads.push(best / 1000);
  }
  leads.sort((a, b) => a - b);
  return { median_lead_s: r1(percentile(leads, 50)), leads_s: leads };
}

function r3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function r1(v: number): number {
  return Math.round(v * 10) / 10;
}

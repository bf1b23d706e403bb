/**
 * True jams and true speeds from the simulator's ground-truth records (JSONL, one record per
 * segment every `windowS` seconds: true mean speed over [t - windowS, t), null when empty).
 *
 * A true jam is a segment episode: a run of consecutive records whose mean speed is below `ratio`
 * (0.4) x free flow, lasting at least `minDurationS` (60 s), one signal cycle on a segment ending at a
 * signal (`signalMinDurationS`), with at least `minVehicles` (2) vehicles on the segment at once at
 * some window of it (a queue: decision 0037). It starts at the start of its first window (t -
 * windowS) and ends at the end of its last. A null record (no car on the segment) ends a run; so
 * does a record at or above `exitRatio` (default 0.4: no hysteresis; 0.5 was measured and merged
 * ordinary signal cycles into one "jam", decision 0037). `LEGACY_TRUTH` is the rule of
 * 0009/0014/0027 (one car can be a jam). The truth speed for a forecast at time t is the mean of the
 * non-null record speeds
 * over (t - 60 s, t], the same span as the detector's window.
 */
import type { GroundTruthRecord, SegmentTruthRecord } from '../../simulator/traffic/ground-truth.js';

const DEFAULT_EXIT_RATIO = 0.4;
const DEFAULT_MIN_VEHICLES = 2;

export interface TrueJam {
  readonly segmentId: string;
  /** Epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
}

export interface TruthOptions {
  readonly ratio?: number;
  readonly minDurationS?: number;
  /**
   * A started episode goes on through windows below `exitRatio` x free flow (hysteresis) and ends
   * at the first window at or above it. Default `ratio` (0.4): any window at or above 40% ends it.
   */
  readonly exitRatio?: number;
  /**
   * An episode counts only if at least this many vehicles were on the segment at once at some
   * window of it (a queue). With `perWindow`, every slow window needs them (the rule of 0027's
   * `--truth-min-vehicles`, which split a queue's episode at a window with one car).
   */
  readonly minVehicles?: number;
  readonly perWindow?: boolean;
  /**
   * Segments ending at a traffic signal, and the least duration of a jam on them (default
   * `minDurationS`): one signal cycle, since a queue that clears in the green after its red is
   * signal delay, not a jam (decision 0037). The bundled city's cycle is 60 s (the default);
   * netconvert's static programs run 90 s.
   */
  readonly signalSegments?: ReadonlySet<string>;
  readonly signalMinDurationS?: number;
}

/** The rule of decisions 0009/0014/0027: < 40% for >= 60 s, any window at or above 40% ends it, no queue needed. */
export const LEGACY_TRUTH: TruthOptions = { exitRatio: 0.4, minVehicles: 0 };

export function parseGroundTruthJsonl(text: string): GroundTruthRecord[] {
  const out: GroundTruthRecord[] = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l !== '') out.push(JSON.parse(l) as GroundTruthRecord);
  }
  return out;
}

function segmentRecords(records: readonly GroundTruthRecord[]): Map<string, SegmentTruthRecord[]> {
  const bySeg = new Map<string, SegmentTruthRecord[]>();
  for (const r of records) {
    if (r.type !== 'segment') continue;
    let list = bySeg.get(r.segmentId);
    if (list === undefined) {
      list = [];
      bySeg.set(r.segmentId, list);
    }
    list.push(r);
  }
  for (const list of bySeg.values()) list.sort((a, b) => a.timeMs - b.timeMs);
  return bySeg;
}

export function trueJams(records: readonly GroundTruthRecord[], options: TruthOptions = {}): TrueJam[] {
  const ratio = options.ratio ?? 0.4;
  const exitRatio = Math.max(ratio, options.exitRatio ?? DEFAULT_EXIT_RATIO);
  const baseMs = (options.minDurationS ?? 60) * 1000;
  const signalMs = (options.signalMinDurationS ?? baseMs / 1000) * 1000;
  const minVehicles = options.minVehicles ?? DEFAULT_MIN_VEHICLES;
  const perWindow = options.perWindow ?? false;
  const out: TrueJam[] = [];
  for (const [segmentId, list] of segmentRecords(records)) {
    const minMs = options.signalSegments?.has(segmentId) === true ? Math.max(baseMs, signalMs) : baseMs;
    let start: number | undefined;
    let end = 0;
    let peak = 0;
    let prevMs: number | undefined;
    const flush = (): void => {
      if (start !== undefined && end - start >= minMs && (perWindow || peak >= minVehicles))
        out.push({ segmentId, startMs: start, endMs: end });
      start = undefined;
      peak = 0;
    };
    for (const r of list) {
      const winMs = r.windowS * 1000;
      const gap = prevMs !== undefined && r.timeMs - prevMs > winMs;
      prevMs = r.timeMs;
      if (gap) flush();
      const v = r.meanSpeedMps;
      const counted = !perWindow || r.count >= minVehicles;
      if (v !== null && v < ratio * r.freeFlowMps && counted) {
        if (start === undefined) start = r.timeMs - winMs;
        end = r.timeMs;
        peak = Math.max(peak, r.count);
      } else if (start !== undefined && v !== null && v < exitRatio * r.freeFlowMps && counted) {
        peak = Math.max(peak, r.count); // still in the episode, not (yet) part of its slow span
      } else flush();
    }
    flush();
  }
  return out.sort((a, b) => a.startMs - b.startMs || (a.segmentId < b.segmentId ? -1 : 1));
}

/** Truth speed lookup: mean of the non-null record speeds over (t - spanMs, t]. */
export class TruthSpeeds {
  readonly #bySeg: Map<string, SegmentTruthRecord[]>;
  readonly #spanMs: number;

  constructor(records: readonly GroundTruthRecord[], spanMs = 60_000) {
    this.#bySeg = segmentRecords(records);
    this.#spanMs = spanMs;
  }

  at(segmentId: string, tMs: number): number | undefined {
    const list = this.#bySeg.get(segmentId);
    if (list === undefined) return undefined;
    // binary search for the last record with timeMs <= t
    let lo = 0;
    let hi = list.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as SegmentTruthRecord).timeMs <= tMs) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let sum = 0;
    let n = 0;
    for (let i = idx; i >= 0; i--) {
      const r = list[i] as SegmentTruthRecord;
      if (r.timeMs <= tMs - this.#spanMs) break;
      if (r.meanSpeedMps !== null) {
        sum += r.meanSpeedMps;
        n++;
      }
    }
    return n > 0 ? sum / n : undefined;
  }
}

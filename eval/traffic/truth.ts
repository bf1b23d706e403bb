/**
 * True jams and true speeds from the simulator's ground-truth records (JSONL, one record per
 * segment every `windowS` seconds: true mean speed over [t - windowS, t), null when empty).
 *
 * A true jam is a segment episode: a run of consecutive records whose mean speed is below
 * `ratio` (0.4) x free flow, lasting at least `minDurationS` (60 s). It starts at the start of its
 * first window (t - windowS) and ends at the end of its last. A null record (no car on the segment)
 * ends a run. The truth speed for a forecast at time t is the mean of the non-null record speeds
 * over (t - 60 s, t], the same span as the detector's window.
 */
import type { GroundTruthRecord, SegmentTruthRecord } from '../../simulator/traffic/ground-truth.js';

export interface TrueJam {
  readonly segmentId: string;
  /** Epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
}

export interface TruthOptions {
  readonly ratio?: number;
  readonly minDurationS?: number;
  /** A slow window counts only with at least this many vehicles on the segment (default 0: any; a queue: 2). */
  readonly minVehicles?: number;
}

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
  const minMs = (options.minDurationS ?? 60) * 1000;
  const minVehicles = options.minVehicles ?? 0;
  const out: TrueJam[] = [];
  for (const [segmentId, list] of segmentRecords(records)) {
    let start: number | undefined;
    let end = 0;
    let prevMs: number | undefined;
    const flush = (): void => {
      if (start !== undefined && end - start >= minMs) out.push({ segmentId, startMs: start, endMs: end });
      start = undefined;
    };
    for (const r of list) {
      const winMs = r.windowS * 1000;
      const gap = prevMs !== undefined && r.timeMs - prevMs > winMs;
      prevMs = r.timeMs;
      if (gap) flush();
      const low = r.meanSpeedMps !== null && r.meanSpeedMps < ratio * r.freeFlowMps && r.count >= minVehicles;
      if (low) {
        if (start === undefined) start = r.timeMs - winMs;
        end = r.timeMs;
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

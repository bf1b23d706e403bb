/**
 * Ground truth for scoring jam detection: every `intervalS` (default 10) simulated seconds, one
 * record per segment with the number of cars on it at that instant and their true mean speed over
 * the window. Mean speed = the mean of every (car, tick) speed sample taken on the segment during
 * the window [t - intervalS, t); a segment with no samples has `meanSpeedMps: null` (not free flow,
 * so an empty road is never mistaken for a measured free-flowing one; `freeFlowMps` is given next to
 * it). Incident records come from incidents.ts, warned drivers' decisions from warned-drivers.ts. All records are plain objects ready for JSONL.
 */
import type { RoadNetwork } from '../../road/network.js';
import type { IncidentRecord } from './incidents.js';
import type { RerouteRecord } from './warned-drivers.js';

export interface SegmentTruthRecord {
  readonly type: 'segment';
  /** Simulated seconds at the end of the window. */
  readonly t: number;
  /** Epoch milliseconds of t (start time + t). */
  readonly timeMs: number;
  readonly windowS: number;
  readonly segmentId: string;
  /** Cars on the segment at t. */
  readonly count: number;
  /** Mean speed over the window, m/s, rounded to 0.01; null when no car was on it. */
  readonly meanSpeedMps: number | null;
  readonly freeFlowMps: number;
}

/** Segment windows, incidents, and the decisions of warned drivers (warned-drivers.ts). */
export type GroundTruthRecord = SegmentTruthRecord | IncidentRecord | RerouteRecord;

export class GroundTruthWindow {
  readonly intervalS: number;
  readonly speedSum: Float64Array;
  readonly samples: Uint32Array;
  /** Mean speed per segment in the last closed window (NaN when no samples), for live routing. */
  readonly lastMean: Float64Array;
  readonly #net: RoadNetwork;

  constructor(network: RoadNetwork, intervalS = 10) {
    this.#net = network;
    this.intervalS = intervalS;
    const m = network.segments.length;
    this.speedSum = new Float64Array(m);
    this.samples = new Uint32Array(m);
    this.lastMean = new Float64Array(m).fill(NaN);
  }

  /** Closes the window at t: appends one record per segment (if `emit`) and resets the sums. */
  close(t: number, startEpochMs: number, countOf: (segment: number) => number, out: GroundTruthRecord[] | undefined): void {
    const segs = this.#net.segments;
    for (let s = 0; s < segs.length; s++) {
      const n = this.samples[s] as number;
      const mean = n > 0 ? (this.speedSum[s] as number) / n : NaN;
      this.lastMean[s] = mean;
      if (out !== undefined) {
        const seg = segs[s] as { id: string; freeFlowMps: number };
        out.push({
          type: 'segment',
          t,
          timeMs: startEpochMs + Math.round(t * 1000),
          windowS: this.intervalS,
          segmentId: seg.id,
          count: countOf(s),
          meanSpeedMps: n > 0 ? Math.round(mean * 100) / 100 : null,
          freeFlowMps: Math.round(seg.freeFlowMps * 100) / 100,
        });
      }
    }
    this.speedSum.fill(0);
    this.samples.fill(0);
  }
}

/** Thin shell: one JSON line per record. */
export function toJsonl(records: readonly GroundTruthRecord[]): string {
  let text = '';
  for (const r of records) text += `${JSON.stringify(r)}\n`;
  return text;
}

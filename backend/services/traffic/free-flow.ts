/**
 * Free-flow speed per segment: the speed limit until history allows better, then the 85th
 * percentile of per-car speeds seen at low density (a window whose distinct-car count is at most
 * `lowDensityPerLaneKm` cars per lane-km). It needs `minSamples` such per-car speeds, and is
 * clamped to [0.5, 1.2] x the limit (a limit is a sane prior: a segment that has only ever been
 * seen in a jam must not learn a jammed "free flow"). Samples are a bounded reservoir (last N).
 */
import { percentile } from './windows.js';

export interface FreeFlowOptions {
  readonly minSamples?: number;
  readonly lowDensityPerLaneKm?: number;
  readonly maxSamples?: number;
}

export class FreeFlowLearner {
  readonly #minSamples: number;
  readonly #lowDensity: number;
  readonly #maxSamples: number;
  readonly #samples = new Map<string, number[]>();

  constructor(options: FreeFlowOptions = {}) {
    this.#minSamples = options.minSamples ?? 30;
    this.#lowDensity = options.lowDensityPerLaneKm ?? 15;
    this.#maxSamples = options.maxSamples ?? 200;
  }

  /** Feeds a window's mean speed when the segment was lightly loaded. */
  observe(key: string, meanSpeedMps: number, count: number, lengthM: number, lanes: number): void {
    const density = count / Math.max(1, lanes) / Math.max(0.01, lengthM / 1000);
    if (density > this.#lowDensity) return;
    let list = this.#samples.get(key);
    if (list === undefined) {
      list = [];
      this.#samples.set(key, list);
    }
    list.push(meanSpeedMps);
    if (list.length > this.#maxSamples) list.shift();
  }

  /** Free-flow speed for a segment whose limit is `limitMps`. */
  freeFlow(key: string, limitMps: number): number {
    const list = this.#samples.get(key);
    if (list === undefined || list.length < this.#minSamples) return limitMps;
    const p85 = percentile(
      [...list].sort((a, b) => a - b),
      85,
    );
    return Math.min(1.2 * limitMps, Math.max(0.5 * limitMps, p85));
  }
}

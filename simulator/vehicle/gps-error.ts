/**
 * The GPS error of each car: a first-order Gauss-Markov offset (east, north) that wanders slowly,
 * plus a small white noise drawn for every fix. A real receiver's error is correlated over tens of
 * seconds (atmosphere, multipath, satellite geometry change slowly), so a parked car's fixes stay
 * within a few metres and a moving car's track does not zig-zag from fix to fix.
 *
 * Per axis, between two fixes dt apart: offset' = phi * offset + driftM * sqrt(1 - phi^2) * N(0, 1),
 * phi = exp(-dt / tau). The offset is stationary with standard deviation driftM per axis and
 * autocorrelation exp(-dt / tau); a car's first fix draws it from that stationary distribution.
 * Both parts are bounded at BOUND_SIGMAS of their size (the offset's and the noise's length), so a
 * fix is never further than radiusM() from the true position.
 */
import type { Rng } from '../../core/random.js';

export interface GpsErrorConfig {
  /** Standard deviation per axis of the wandering offset, metres (0: no offset). */
  readonly driftM: number;
  /** Correlation time of the offset, seconds (> 0). */
  readonly driftTauS: number;
  /** Standard deviation per axis of the white noise of every fix, metres. */
  readonly noiseM: number;
}

/** Both parts are cut at this many standard deviations (as a vector length). */
export const BOUND_SIGMAS = 3;

export interface GpsOffset {
  east: number;
  north: number;
}

export class GpsError {
  readonly config: GpsErrorConfig;
  /** The offset's east and north metres and the time of its last update (NaN: not drawn yet), per car. */
  readonly #state: Float64Array;

  constructor(cars: number, config: GpsErrorConfig) {
    if (!(config.driftTauS > 0)) throw new RangeError(`driftTauS must be > 0 (got ${config.driftTauS})`);
    if (!(config.driftM >= 0) || !(config.noiseM >= 0)) throw new RangeError('driftM and noiseM must be >= 0');
    this.config = config;
    this.#state = new Float64Array(cars * 3).fill(Number.NaN);
  }

  /** No error at all (driftM and noiseM are 0). */
  get exact(): boolean {
    return this.config.driftM === 0 && this.config.noiseM === 0;
  }

  /** The furthest a fix can be from the true position, metres. */
  radiusM(): number {
    return BOUND_SIGMAS * (this.config.driftM + this.config.noiseM);
  }

  /** What the car reports as its accuracy: 1.5 x the per-axis standard deviation of the whole error, metres. */
  accuracyM(): number {
    return 1.5 * Math.hypot(this.config.driftM, this.config.noiseM);
  }

  /** Car i's error at `tMs` (its fixes' times must not go back), into `out`. Allocates nothing. */
  sample(i: number, tMs: number, rng: Rng, out: GpsOffset): GpsOffset {
    const { driftM, driftTauS, noiseM } = this.config;
    const st = this.#state;
    const b = i * 3;
    const last = st[b + 2] as number;
    out.east = 0;
    out.north = 0;
    if (driftM > 0) {
      if (Number.isNaN(last)) {
        out.east = rng.normal(0, driftM);
        out.north = rng.normal(0, driftM);
      } else {
        const phi = tMs > last ? Math.exp(-(tMs - last) / 1000 / driftTauS) : 1;
        const kick = driftM * Math.sqrt(1 - phi * phi);
        out.east = phi * (st[b] as number) + (kick > 0 ? rng.normal(0, kick) : 0);
        out.north = phi * (st[b + 1] as number) + (kick > 0 ? rng.normal(0, kick) : 0);
      }
      shorten(out, BOUND_SIGMAS * driftM);
    }
    st[b] = out.east;
    st[b + 1] = out.north;
    if (Number.isNaN(last) || tMs > last) st[b + 2] = tMs;
    if (noiseM > 0) {
      const e = out.east;
      const n = out.north;
      out.east = rng.normal(0, noiseM);
      out.north = rng.normal(0, noiseM);
      shorten(out, BOUND_SIGMAS * noiseM);
      out.east += e;
      out.north += n;
    }
    return out;
  }
}

/** Shortens `v` to at most `max` metres long. */
function shorten(v: GpsOffset, max: number): void {
  const len = Math.hypot(v.east, v.north);
  if (len <= max) return;
  const f = max / len;
  v.east *= f;
  v.north *= f;
}

/** The fleet's GPS error from the sim settings (gpsDriftM, gpsDriftTauS, gpsNoiseM); none for a replay (a trace is GPS already). */
export function gpsErrorOf(
  s: { readonly gpsDriftM: number; readonly gpsDriftTauS: number; readonly gpsNoiseM: number },
  cars: number,
  replay: boolean,
): GpsError {
  return new GpsError(cars, { driftM: replay ? 0 : s.gpsDriftM, driftTauS: s.gpsDriftTauS, noiseM: replay ? 0 : s.gpsNoiseM });
}

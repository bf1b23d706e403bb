/**
 * The Intelligent Driver Model (Treiber, Hennecke, Helbing 2000) and the per-driver parameters it
 * takes, drawn with seeded variation so that traffic is not a column of clones.
 *
 *   a = aMax * (1 - (v / v0)^4 - (s* / s)^2),   s* = s0 + max(0, v*T + v*dv / (2*sqrt(aMax*b)))
 *
 * v speed, v0 desired speed, s gap to the leader (front bumper to rear bumper), dv = v - vLeader.
 */
import type { Rng } from '../../core/random.js';

export interface DriverParams {
  /** Desired speed as a factor of the speed limit. */
  readonly speedFactor: number;
  /** Desired time headway, s. */
  readonly timeHeadwayS: number;
  /** Minimum gap at standstill, m. */
  readonly minGapM: number;
  /** Maximum acceleration, m/s^2. */
  readonly maxAccel: number;
  /** Comfortable deceleration, m/s^2 (positive). */
  readonly comfortDecel: number;
  /** Vehicle length, m. */
  readonly lengthM: number;
  /** How long the driver waits for room at a junction before turning off another way, s. */
  readonly patienceS: number;
}

/** Hardest braking the model allows, m/s^2 (positive): about 0.9 g. */
export const MAX_BRAKE = 9;

/** Draws a driver: normal around typical urban values, clamped to plausible ranges. */
export function sampleDriver(rng: Rng): DriverParams {
  return {
    speedFactor: rng.normalClamped(1.0, 0.08, 0.8, 1.2),
    timeHeadwayS: rng.normalClamped(1.4, 0.25, 0.9, 2.2),
    minGapM: rng.normalClamped(2.0, 0.4, 1.0, 3.0),
    maxAccel: rng.normalClamped(1.5, 0.3, 0.8, 2.5),
    comfortDecel: rng.normalClamped(2.0, 0.4, 1.2, 3.0),
    lengthM: rng.normalClamped(4.5, 0.4, 3.6, 5.5),
    patienceS: rng.range(20, 60),
  };
}

/**
 * IDM acceleration. `gap` may be Infinity (free road). Result clamped at -MAX_BRAKE; a gap at or
 * below zero asks for the hardest braking.
 */
export function idmAccel(v: number, v0: number, gap: number, vLeader: number, aMax: number, b: number, T: number, s0: number): number {
  const r = v / v0;
  const r2 = r * r;
  let a = aMax * (1 - r2 * r2);
  if (gap < Infinity) {
    if (gap <= 0.01) return -MAX_BRAKE;
    const dyn = v * T + (v * (v - vLeader)) / (2 * Math.sqrt(aMax * b));
    const sStar = s0 + (dyn > 0 ? dyn : 0);
    const q = sStar / gap;
    a -= aMax * q * q;
  }
  return a < -MAX_BRAKE ? -MAX_BRAKE : a;
}

/**
 * Jam factor, 0..10, from the ratio r = speed / free-flow speed (HERE-style scale):
 *
 *   r >= 0.8        -> 0                   (free flow)
 *   0.8 > r > 0     -> 10 * (0.8 - r) / 0.8 (linear: r = 0.4 gives 5, r = 0.2 gives 7.5)
 *   r = 0, or closed -> 10
 *
 * The median of the per-car speeds is used (robust to one car that just got through), rounded to
 * 0.1. A segment counts as jammed at jam factor >= 5, i.e. median speed below 40% of free flow:
 * the same threshold as the ground truth's definition of a true jam.
 */
export const JAM_THRESHOLD = 5;

export function jamFactor(speedMps: number, freeFlowMps: number, closed = false): number {
  if (closed || !(freeFlowMps > 0)) return closed ? 10 : 0;
  const r = Math.max(0, speedMps) / freeFlowMps;
  if (r >= 0.8) return 0;
  if (r <= 0.01) return 10;
  return Math.round(((10 * (0.8 - r)) / 0.8) * 10) / 10;
}

/**
 * How many remote commands fall due in a window at a steady rate: the whole commands due by `toMs`
 * minus those due by `fromMs`, so any slicing of time into windows sends exactly
 * floor(rate * t) commands by time t, with no drift and no burst after a late tick.
 */
export function commandsDue(perSecond: number, fromMs: number, toMs: number): number {
  if (!(perSecond > 0) || toMs <= fromMs) return 0;
  return Math.floor((Math.max(0, toMs) * perSecond) / 1000) - Math.floor((Math.max(0, fromMs) * perSecond) / 1000);
}

/**
 * How a warned driver decides (issue 20 item 5), pure: is the warned place ahead on my route, which
 * segments of my route does the warning cover, do I take a detour (a seeded draw per car and
 * warning against the configured share), where does the detour rejoin my route, and how long the
 * rest of a route takes at given segment speeds. warned-drivers.ts applies it to the model.
 */
import { Rng } from '../../core/random.js';

/** Warning types a driver may detour around (a weather warning is not a place to avoid). */
export const DETOUR_WARNING_TYPES: ReadonlySet<string> = new Set(['traffic_jam', 'accident', 'roadworks']);

/** The slowest speed a travel-time estimate assumes on a segment, m/s (as the trip planner does). */
export const MIN_ESTIMATE_SPEED_MPS = 0.5;

/** Where a warning falls on a route: the route index of the warned segment and the segments it covers. */
export interface WarnedSpan {
  /** Index in the route of the warned segment (> the car's index: ahead). */
  readonly at: number;
  /** Index in the route of the last covered segment. */
  readonly last: number;
  /** Segments to avoid: route[at..last]. */
  readonly avoid: readonly number[];
}

/**
 * The warned segment ahead on the route: `warned` at an index above `idx` (the car's own segment is
 * not ahead: it is in it already). The warning covers that segment and the following route segments
 * that start within `radiusM` of road after its start (a jam's tail segment and the queue beyond it).
 * Undefined when the warned segment is not ahead on the route.
 */
export function warnedSpanAhead(
  route: ArrayLike<number>,
  idx: number,
  warned: number,
  segLength: ArrayLike<number>,
  radiusM: number,
): WarnedSpan | undefined {
  let at = -1;
  for (let i = idx + 1; i < route.length; i++) {
    if (route[i] === warned) {
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  const avoid = [warned];
  let last = at;
  let covered = segLength[warned] as number;
  for (let i = at + 1; i < route.length && covered < radiusM; i++) {
    const s = route[i] as number;
    avoid.push(s);
    last = i;
    covered += segLength[s] as number;
  }
  return { at, last, avoid };
}

/** The seeded draw of one driver for one warning, uniform in [0, 1): the same car and warning always draw the same. */
export function detourDraw(seed: string, vin: string, warningId: string): number {
  return new Rng(`${seed}:detour:${vin}:${warningId}`).float();
}

/** A driver takes the detour when its draw falls below the share (share 0: never; 1: always). */
export function takesDetour(share: number, draw: number): boolean {
  return draw < share;
}

/**
 * Where a detour rejoins the original route: the first segment of the original route after the
 * warned span (index > `afterIdx`) that the detour also drives (at worst the destination, which both
 * end with). Indices into both routes; undefined when they share nothing after the span.
 */
export function rejoinOf(
  original: ArrayLike<number>,
  afterIdx: number,
  detour: ArrayLike<number>,
): { readonly originalIdx: number; readonly detourIdx: number } | undefined {
  const onDetour = new Map<number, number>();
  for (let j = detour.length - 1; j >= 1; j--) onDetour.set(detour[j] as number, j);
  for (let i = afterIdx + 1; i < original.length; i++) {
    const j = onDetour.get(original[i] as number);
    if (j !== undefined) return { originalIdx: i, detourIdx: j };
  }
  return undefined;
}

/**
 * Expected speed on segment s, m/s: the measured mean (NaN where nobody drove) capped at free flow,
 * at least MIN_ESTIMATE_SPEED_MPS; free flow where nothing was measured.
 */
export function estimateSpeed(measured: number, freeFlow: number): number {
  if (Number.isNaN(measured)) return freeFlow;
  return Math.max(MIN_ESTIMATE_SPEED_MPS, Math.min(measured, freeFlow));
}

/**
 * Expected seconds from position `posM` on route[idx] to the entry of route[toIdx], driving each
 * segment at `speedOf(segment)` m/s. 0 when toIdx <= idx.
 */
export function travelTimeS(
  route: ArrayLike<number>,
  idx: number,
  posM: number,
  toIdx: number,
  segLength: ArrayLike<number>,
  speedOf: (segment: number) => number,
): number {
  if (toIdx <= idx) return 0;
  const s0 = route[idx] as number;
  let t = Math.max(0, (segLength[s0] as number) - posM) / speedOf(s0);
  for (let i = idx + 1; i < toIdx; i++) {
    const s = route[i] as number;
    t += (segLength[s] as number) / speedOf(s);
  }
  return t;
}

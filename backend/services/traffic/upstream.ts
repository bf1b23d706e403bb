/**
 * Who is heading into a jam: the segments upstream of a segment within a graph distance, and the
 * cars matched onto them. The backend does not know the cars' routes, only where each car was last
 * matched and that cars drive along the network: a car on a segment from which the jam's tail is
 * reachable within `maxM` metres of road (reverse Dijkstra over segment lengths, U-turns excluded) is
 * one that may drive into it. The distance is from the car's segment's end to the jam's tail start,
 * so a car on the segment right before the tail is at distance 0. Pure.
 */
import type { RoadNetwork } from '../../../road/network.js';
import { continues } from './jam-merge.js';

/** Upstream segment index -> road distance (m) from its end to the start of `target`. */
export function upstreamWithin(net: RoadNetwork, target: number, maxM: number): Map<number, number> {
  const dist = new Map<number, number>();
  // tiny binary heap of [distance, segment]
  const heap: [number, number][] = [[0, target]];
  const best = new Map<number, number>([[target, 0]]);
  while (heap.length > 0) {
    const [d, s] = pop(heap);
    if (d > (best.get(s) ?? Infinity)) continue;
    const from = net.segFrom[s] as number;
    const sTo = net.segTo[s] as number;
    for (let k = net.inStart[from] as number; k < (net.inStart[from + 1] as number); k++) {
      const p = net.inSegments[k] as number;
      if (p === target || (net.segFrom[p] as number) === sTo) continue; // a U-turn into s
      const dp = s === target ? 0 : d + (net.segLength[s] as number);
      if (dp > maxM || dp >= (best.get(p) ?? Infinity)) continue;
      best.set(p, dp);
      dist.set(p, dp);
      push(heap, [dp, p]);
    }
  }
  return dist;
}

/** Cars whose last fix (no older than `maxAgeMs` before `nowMs`) lies on one of `segments`, with the distance. */
export function carsUpstream(
  lastSegments: Iterable<readonly [vin: string, segment: number, ts: number]>,
  segments: ReadonlyMap<number, number>,
  nowMs: number,
  maxAgeMs = 30_000,
): { vin: string; distanceM: number }[] {
  const out: { vin: string; distanceM: number }[] = [];
  for (const [vin, seg, ts] of lastSegments) {
    if (nowMs - ts > maxAgeMs) continue;
    const d = segments.get(seg);
    if (d !== undefined) out.push({ vin, distanceM: d });
  }
  return out.sort((a, b) => a.distanceM - b.distanceM || (a.vin < b.vin ? -1 : 1));
}

/** Which upstream cars are warned: all of them, those heading towards the target, or only those on its road. */
export type WarnSelect = 'upstream' | 'approaching' | 'road';

/**
 * Whether a car on segment `s` reaches `target` by following its own road (continuations: same class
 * and name, no U-turn) within `maxM` metres of road in between: a car that keeps straight on drives into it.
 */
export function sameRoadAhead(net: RoadNetwork, s: number, target: number, maxM: number): boolean {
  let cur = s;
  let d = 0;
  const seen = new Set<number>([s]);
  for (;;) {
    const to = net.segTo[cur] as number;
    let next = -1;
    for (let k = net.outStart[to] as number; k < (net.outStart[to + 1] as number); k++) {
      const n = net.outSegments[k] as number;
      if (continues(net, cur, n)) {
        next = n;
        break;
      }
    }
    if (next === target) return true;
    if (next < 0 || seen.has(next)) return false;
    d += net.segLength[next] as number;
    if (d > maxM) return false;
    seen.add(next);
    cur = next;
  }
}

/**
 * Cars upstream of `target` (the `segments` map of upstreamWithin) that are heading towards it, from
 * their last two matched segments: 'road': the car's segment runs along the target's road and
 * direction (sameRoadAhead); 'approaching': that, or the car came from a segment farther upstream
 * (its road distance to the target shrank: it is driving towards it, turns included); 'upstream':
 * every car on an upstream segment (the rule before decision 0019).
 */
export function carsHeadingTowards(
  net: RoadNetwork,
  paths: Iterable<readonly [vin: string, segment: number, ts: number, previous: number]>,
  target: number,
  segments: ReadonlyMap<number, number>,
  maxM: number,
  nowMs: number,
  select: WarnSelect,
  maxAgeMs = 30_000,
): { vin: string; distanceM: number }[] {
  const out: { vin: string; distanceM: number }[] = [];
  const onRoad = new Map<number, boolean>();
  for (const [vin, seg, ts, prev] of paths) {
    if (nowMs - ts > maxAgeMs) continue;
    const d = segments.get(seg);
    if (d === undefined) continue;
    let ok = select === 'upstream';
    if (!ok) {
      let r = onRoad.get(seg);
      if (r === undefined) {
        r = sameRoadAhead(net, seg, target, maxM);
        onRoad.set(seg, r);
      }
      ok = r;
    }
    if (!ok && select === 'approaching' && prev >= 0) ok = (segments.get(prev) ?? -Infinity) > d;
    if (ok) out.push({ vin, distanceM: d });
  }
  return out.sort((a, b) => a.distanceM - b.distanceM || (a.vin < b.vin ? -1 : 1));
}

function push(h: [number, number][], v: [number, number]): void {
  h.push(v);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if ((h[p] as [number, number])[0] <= v[0]) break;
    h[i] = h[p] as [number, number];
    i = p;
  }
  h[i] = v;
}

function pop(h: [number, number][]): [number, number] {
  const top = h[0] as [number, number];
  const last = h.pop() as [number, number];
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && (h[r] as [number, number])[0] < (h[l] as [number, number])[0] ? r : l;
      if ((h[c] as [number, number])[0] >= last[0]) break;
      h[i] = h[c] as [number, number];
      i = c;
    }
    h[i] = last;
  }
  return top;
}

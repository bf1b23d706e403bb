/**
 * Changing a route on the way: around a closed segment (checked when a car enters a segment after
 * closures changed), and gridlock relief (a car that waited too long at a junction takes another
 * exit with room and plans from there). Allocates only the new route.
 */
import type { RoadNetwork } from '../../road/network.js';
import type { FleetState } from './state.js';
import type { TripPlanner } from './trips.js';

/**
 * Gridlock relief: a car that has waited longer than its patience for room on its next segment
 * turns into another exit of the junction that has room, and plans from there to its destination.
 * Returns true when the car was diverted.
 */
export function divert(net: RoadNetwork, st: FleetState, planner: TripPlanner, segClosed: Uint8Array, c: number): boolean {
  st.waitS[c] = 0;
  const s = st.seg[c] as number;
  const route = st.routes[c] as Int32Array;
  const idx = st.routeIdx[c] as number;
  const planned = route[idx + 1];
  const node = net.segTo[s] as number;
  const need = (st.length[c] as number) + (st.minGap[c] as number) + 1;
  let best = -1;
  let bestSpace = need;
  for (let e = net.outStart[node] as number; e < (net.outStart[node + 1] as number); e++) {
    const o = net.outSegments[e] as number;
    if (o === planned || segClosed[o] === 1) continue;
    if (net.segTo[o] === net.segFrom[s]) continue;
    const space = st.entrySpace(st.entryLane(o, 0));
    if (space > bestSpace) {
      bestSpace = space;
      best = o;
    }
  }
  if (best === -1) return false;
  const dest = route[route.length - 1] as number;
  const onward = best === dest ? Int32Array.of(best) : planner.route(best, dest);
  if (onward === undefined) return false;
  const fresh = new Int32Array(onward.length + 1);
  fresh[0] = s;
  fresh.set(onward, 1);
  st.routes[c] = fresh;
  st.routeIdx[c] = 0;
  return true;
}

/** Re-plans a route that runs into a closed segment, when a way around exists. */
export function avoidClosures(
  st: FleetState,
  planner: TripPlanner,
  closed: Uint8Array,
  epoch: number,
  c: number,
  route: Int32Array,
  idx: number,
): void {
  st.routeEpoch[c] = epoch;
  for (let i = idx + 1; i < route.length; i++) {
    if (closed[route[i] as number] === 1) {
      const fresh = planner.route(route[idx] as number, route[route.length - 1] as number);
      if (fresh !== undefined) {
        st.routes[c] = fresh;
        st.routeIdx[c] = 0;
      }
      return;
    }
  }
}

/**
 * A warned driver's detour: if the rest of car c's route (within `lookSegments` segments) runs through
 * one of `avoid`, re-plans from its current segment to its destination with those segments made
 * impassable, and takes the new route when one exists that avoids them. Returns true when it rerouted.
 * The planner's costs are restored before returning.
 */
export function rerouteAround(st: FleetState, planner: TripPlanner, c: number, avoid: readonly number[], lookSegments = 12): boolean {
  const route = st.routes[c] as Int32Array | undefined;
  if (route === undefined) return false;
  const idx = st.routeIdx[c] as number;
  const dest = route[route.length - 1] as number;
  const end = Math.min(route.length, idx + 1 + lookSegments);
  let hits = false;
  for (let i = idx + 1; i < end && !hits; i++) hits = avoid.includes(route[i] as number);
  if (!hits || avoid.includes(dest) || avoid.includes(route[idx] as number)) return false;
  const fresh = planDetour(planner, route[idx] as number, dest, avoid);
  if (fresh === undefined) return false;
  st.routes[c] = fresh;
  st.routeIdx[c] = 0;
  return true;
}

/**
 * The fastest route from the end of segment `from` to `dest` with the segments of `avoid` made
 * impassable, or undefined when every way runs through one of them. The planner's costs are
 * restored before returning.
 */
export function planDetour(planner: TripPlanner, from: number, dest: number, avoid: readonly number[]): Int32Array | undefined {
  const saved = avoid.map((s) => planner.costs[s] as number);
  for (const s of avoid) planner.costs[s] = Number.POSITIVE_INFINITY;
  try {
    const fresh = planner.route(from, dest);
    return fresh === undefined || fresh.some((s, i) => i > 0 && avoid.includes(s)) ? undefined : fresh;
  } finally {
    avoid.forEach((s, i) => (planner.costs[s] = saved[i] as number));
  }
}

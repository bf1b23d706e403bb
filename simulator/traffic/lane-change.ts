/**
 * Lane changes, kept simple: a car on a lane blocked by an incident, within 150 m before the
 * obstacle, moves to a neighbouring lane that is open there when the gap in that lane is safe (room
 * to its new leader, and to its new follower in proportion to the follower's speed). Lanes are
 * otherwise kept; the lane at a segment's entry is the one with most room.
 */
import { NONE, type FleetState } from './state.js';

/** Cars on a blocked lane, approaching the obstacle, move to a neighbouring open lane when a gap allows. */
export function changeLanesAtIncidents(st: FleetState, blockedLanes: readonly number[]): void {
  for (const l of blockedLanes) {
    const s = st.laneSeg[l] as number;
    const base = st.laneBase[s] as number;
    const n = (st.laneBase[s + 1] as number) - base;
    if (n < 2) continue;
    const obs = st.obstacle[l] as number;
    let c = st.laneFirst[l] as number;
    while (c !== NONE) {
      const next = st.behind[c] as number;
      const p = st.pos[c] as number;
      if (p < obs) {
        if (obs - p > 150) break;
        const local = l - base;
        for (const target of [local + 1, local - 1]) {
          if (target < 0 || target >= n) continue;
          const tl = base + target;
          if ((st.obstacle[tl] as number) <= obs) continue;
          if (gapAccepted(st, c, tl, p)) {
            st.unlink(c);
            st.insertOrdered(c, tl);
            break;
          }
        }
      }
      c = next;
    }
  }
}

function gapAccepted(st: FleetState, c: number, tl: number, p: number): boolean {
  const leader = st.carAheadOf(tl, p);
  if (leader !== NONE && (st.pos[leader] as number) - (st.length[leader] as number) - p < 0.5 * (st.minGap[c] as number) + 0.5)
    return false;
  const follower = leader === NONE ? (st.laneFirst[tl] as number) : (st.behind[leader] as number);
  if (follower === NONE) return true;
  const gapBehind = p - (st.length[c] as number) - (st.pos[follower] as number);
  return gapBehind >= 0.5 * (st.minGap[follower] as number) + 0.5 + 0.5 * (st.speed[follower] as number);
}

/**
 * Parking off the lane: a parked car leaves its lane list (followers no longer see it, the ground
 * truth no longer counts it) and keeps its segment and position, so its kinematics still read
 * where it stands. `held` is 2 while parked (1 means held on the lane: braking to a stop).
 * Leaving a parking place re-enters the lane at the same position only when there is room.
 */
import { NONE, type FleetState } from './state.js';

export const HELD_PARKED = 2;

export function isParked(st: FleetState, c: number): boolean {
  return st.held[c] === HELD_PARKED;
}

/** Takes car c off its lane (it should be at a standstill: hold it first). */
export function parkCar(st: FleetState, c: number): void {
  if (st.held[c] === HELD_PARKED) return;
  st.unlink(c);
  st.speed[c] = 0;
  st.accel[c] = 0;
  st.waitS[c] = 0;
  st.held[c] = HELD_PARKED;
}

/** Puts car c back on its lane at its position; false (and nothing changes) when there is no room. */
export function unparkCar(st: FleetState, c: number): boolean {
  if (st.held[c] !== HELD_PARKED) return true;
  const l = st.lane[c] as number;
  const p = st.pos[c] as number;
  const margin = (st.minGap[c] as number) + 1;
  const leader = st.carAheadOf(l, p);
  if (leader !== NONE && (st.pos[leader] as number) - (st.length[leader] as number) - p < margin) return false;
  const follower = leader === NONE ? (st.laneFirst[l] as number) : (st.behind[leader] as number);
  if (follower !== NONE && p - (st.length[c] as number) - (st.pos[follower] as number) < margin + 5) return false;
  const obs = st.obstacle[l] as number;
  if (obs < Infinity && p <= obs && obs - p < margin) return false;
  st.insertOrdered(c, l);
  st.held[c] = 0;
  return true;
}

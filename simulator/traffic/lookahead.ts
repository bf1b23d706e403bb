/**
 * What the front car of a lane drives towards when no car is ahead of it on its lane: the stop line
 * of a red (or, when it can still stop comfortably, amber) signal, the last car on the lane it will
 * enter next, or a lower speed limit ahead, looking up to four segments and 200 m along its route.
 *
 * The results go into fields of one reusable object, so the model's hot loop allocates nothing.
 */
import type { RoadNetwork } from '../../road/network.js';
import { MAX_BRAKE } from './idm.js';
import { GREEN, RED, type SignalPlan } from './signals.js';
import { NONE, type FleetState } from './state.js';

/** Deceleration a driver accepts to stop for an amber light rather than go through, m/s^2. */
const AMBER_STOP_DECEL = 3.5;
/** How far ahead along its route the front car of a lane looks, m. */
const LOOKAHEAD_M = 200;

/** What limits the front car: nothing, a stop line, or the entry of its next segment. */
export const LIMIT_NONE = 0;
export const LIMIT_STOP_LINE = 1;
export const LIMIT_ENTRY = 2;

/** Whether a driver at distance `dist` from a stop line at speed v stops for this colour. */
function stops(colour: number, v: number, dist: number): boolean {
  if (colour === GREEN) return false;
  const need = (v * v) / (2 * (dist > 0.1 ? dist : 0.1));
  return colour === RED ? need <= MAX_BRAKE * 0.9 : need <= AMBER_STOP_DECEL;
}

export class Lookahead {
  /** Distance to the leader (stop line or the tail of the next lane), m. */
  gap = Infinity;
  /** The leader's speed, m/s. */
  vLeader = 0;
  /** An upper bound on the acceleration (braking ahead of a lower limit), m/s^2. */
  cap = Infinity;
  /** LIMIT_NONE, LIMIT_STOP_LINE or LIMIT_ENTRY. */
  kind = LIMIT_NONE;

  constructor(
    private readonly net: RoadNetwork,
    private readonly st: FleetState,
    private readonly signals: SignalPlan,
  ) {}

  /** Looks ahead of car c, front of its lane on segment s at position p and speed v. */
  look(c: number, s: number, p: number, v: number): void {
    const { net, st, signals } = this;
    this.gap = Infinity;
    this.vLeader = 0;
    this.cap = Infinity;
    this.kind = LIMIT_NONE;
    let dist = (net.segLength[s] as number) - p;
    if (stops(signals.colourAt(s), v, dist)) {
      this.gap = dist;
      this.kind = LIMIT_STOP_LINE;
      return;
    }
    const route = st.routes[c] as Int32Array;
    let idx = st.routeIdx[c] as number;
    let prefer = (st.lane[c] as number) - (st.laneBase[s] as number);
    const factor = st.speedFactor[c] as number;
    const b = st.comfortDecel[c] as number;
    for (let k = 0; k < 4 && idx + 1 < route.length; k++) {
      const nx = route[idx + 1] as number;
      const vFree = factor * (net.segFreeFlow[nx] as number);
      const vNext = vFree < (st.speedCap[c] as number) ? vFree : (st.speedCap[c] as number);
      if (v > vNext) {
        // slow down ahead of a lower limit
        const need = (v * v - vNext * vNext) / (2 * (dist > 1 ? dist : 1));
        if (need > 0.3 * b && -need < this.cap) this.cap = -need;
      }
      const e = st.entryLane(nx, prefer);
      const space = st.entrySpace(e);
      if (space < Infinity) {
        this.gap = dist + space;
        const tail = st.laneLast[e] as number;
        this.vLeader = tail !== NONE && space < (st.obstacle[e] as number) ? (st.speed[tail] as number) : 0;
        this.kind = k === 0 ? LIMIT_ENTRY : LIMIT_NONE;
        return;
      }
      dist += net.segLength[nx] as number;
      if (dist > LOOKAHEAD_M) return;
      if (stops(signals.colourAt(nx), v, dist)) {
        this.gap = dist;
        this.kind = LIMIT_STOP_LINE;
        return;
      }
      idx++;
      prefer = e - (st.laneBase[nx] as number);
    }
  }
}

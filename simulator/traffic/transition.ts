/**
 * A car past the end of its segment moves onto the next segment(s) of its route, taking a new trip
 * at its destination; when the lane it enters has no room (two cars reaching a junction at once) it
 * waits at the end of its segment instead.
 */
import type { RoadNetwork } from '../../road/network.js';
import { avoidClosures } from './rerouting.js';
import type { IncidentManager } from './incidents.js';
import { NONE, type FleetState } from './state.js';
import type { TripPlanner } from './trips.js';

/** Smallest gap a move may leave to the leader's rear, m. */
export const SAFETY_M = 0.1;

/** Moves car c, past the end of its segment, onto the next segment(s) of its route. */
export function crossJunction(
  net: RoadNetwork,
  st: FleetState,
  planner: TripPlanner,
  incidents: IncidentManager,
  tickSeconds: number,
  c: number,
): void {
  for (;;) {
    const s = st.seg[c] as number;
    const over = (st.pos[c] as number) - (net.segLength[s] as number);
    if (over < 0) return;
    let route = st.routes[c] as Int32Array;
    let idx = st.routeIdx[c] as number;
    if (idx + 1 >= route.length) {
      route = planner.plan(s);
      st.routes[c] = route;
      idx = 0;
    }
    const nx = route[idx + 1] as number;
    const e = st.entryLane(nx, (st.lane[c] as number) - (st.laneBase[s] as number));
    const space = st.entrySpace(e);
    if (over > space - SAFETY_M) {
      // no room: wait at the end of this segment
      st.odometer[c] = (st.odometer[c] as number) - over;
      st.pos[c] = net.segLength[s] as number;
      const tail = st.laneLast[e] as number;
      const vMax = tail === NONE || space >= (st.obstacle[e] as number) ? 0 : (st.speed[tail] as number);
      if ((st.speed[c] as number) > vMax) {
        st.accel[c] = (st.accel[c] as number) + (vMax - (st.speed[c] as number)) / tickSeconds;
        st.speed[c] = vMax;
      }
      return;
    }
    st.unlink(c);
    st.pos[c] = over;
    st.pushBack(c, e);
    idx++;
    if (idx === route.length - 1) {
      st.trips[c] = (st.trips[c] as number) + 1;
      st.routes[c] = planner.plan(nx);
      st.routeIdx[c] = 0;
    } else {
      st.routeIdx[c] = idx;
      if (st.routeEpoch[c] !== incidents.closureEpoch) {
        avoidClosures(st, planner, incidents.segClosed, incidents.closureEpoch, c, route, idx);
      }
    }
  }
}

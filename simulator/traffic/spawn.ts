/**
 * Initial placement: n cars at random positions, spread over the network in proportion to lane
 * length, each with a safe gap to its neighbours, a speed that fits the gap, and a first trip.
 * Refused with SCENARIO_INVALID when the network has no room for that many cars.
 */
import { V2xError } from '../../core/errors.js';
import type { Rng } from '../../core/random.js';
import type { RoadNetwork } from '../../road/network.js';
import { sampleDriver } from './idm.js';
import { NONE, type FleetState } from './state.js';
import type { TripPlanner } from './trips.js';

export function spawnCars(net: RoadNetwork, st: FleetState, planner: TripPlanner, drivers: Rng, rng: Rng, n: number): void {
  if (n === 0) return;
  const m = net.segments.length;
  const cum = new Float64Array(m);
  let total = 0;
  for (let s = 0; s < m; s++) {
    total += (net.segLength[s] as number) * (net.segLanes[s] as number);
    cum[s] = total;
  }

  for (let i = 0; i < n; i++) {
    const c = st.count;
    st.setDriver(c, sampleDriver(drivers));
    const len = st.length[c] as number;
    let placed = false;
    for (let attempt = 0; attempt < 200 && !placed; attempt++) {
      const x = rng.float() * total;
      let lo = 0;
      let hi = m - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cum[mid] as number) < x) lo = mid + 1;
        else hi = mid;
      }
      const s = lo;
      const segLen = net.segLength[s] as number;
      if (segLen < len + 2) continue;
      const l = (st.laneBase[s] as number) + rng.int(0, (net.segLanes[s] as number) - 1);
      const p = rng.range(len, segLen - 0.5);
      const leader = st.carAheadOf(l, p);
      const follower = leader === NONE ? (st.laneFirst[l] as number) : (st.behind[leader] as number);
      const room = (st.minGap[c] as number) + 3;
      const gapAhead = leader === NONE ? Infinity : (st.pos[leader] as number) - (st.length[leader] as number) - p;
      if (gapAhead < room) continue;
      if (follower !== NONE && p - len - (st.pos[follower] as number) < (st.minGap[follower] as number) + 3) continue;
      st.pos[c] = p;
      const free = (st.speedFactor[c] as number) * (net.segFreeFlow[s] as number);
      const safe = gapAhead === Infinity ? free : (gapAhead - (st.minGap[c] as number)) / (st.headway[c] as number);
      st.speed[c] = Math.max(0, Math.min(free, safe, leader === NONE ? free : (st.speed[leader] as number) + 2));
      st.count++;
      st.insertOrdered(c, l);
      st.routes[c] = planner.plan(s);
      st.routeIdx[c] = 0;
      placed = true;
    }
    if (!placed) {
      throw new V2xError('SCENARIO_INVALID', `cars: no room for ${n} cars on this network (placed ${i}); use fewer cars or a larger city`);
    }
  }
}

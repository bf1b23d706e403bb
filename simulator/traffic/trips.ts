/**
 * Trips: a random destination segment and the fastest path to it. A car's route is an Int32Array of
 * segment indices starting with the segment it is on and ending with its destination. Costs are
 * free-flow travel times, or (routing 'live') the travel times measured in the last ground-truth
 * window; closed segments cost Infinity. Allocation happens once per trip, never per tick.
 */
import type { Rng } from '../../core/random.js';
import type { RoadNetwork } from '../../road/network.js';
import type { Router } from '../../road/routing.js';

export class TripPlanner {
  readonly costs: Float64Array;
  readonly #net: RoadNetwork;
  readonly #router: Router;
  readonly #rng: Rng;
  readonly #closed: Uint8Array;
  /** Routes computed so far (for benchmarks). */
  routed = 0;

  constructor(network: RoadNetwork, router: Router, rng: Rng, segClosed: Uint8Array) {
    this.#net = network;
    this.#router = router;
    this.#rng = rng;
    this.#closed = segClosed;
    this.costs = router.freeFlowCosts.slice();
  }

  /**
   * Recomputes costs: closed segments Infinity; others free flow, or length / measured speed when
   * `speeds` (m/s per segment, NaN where unknown) is given, never faster than free flow.
   */
  refreshCosts(speeds?: Float64Array): void {
    const free = this.#router.freeFlowCosts;
    const len = this.#net.segLength;
    for (let s = 0; s < this.costs.length; s++) {
      if (this.#closed[s] === 1) this.costs[s] = Infinity;
      else {
        const v = speeds === undefined ? NaN : (speeds[s] as number);
        const live = v > 0 ? (len[s] as number) / Math.max(v, 0.5) : 0;
        this.costs[s] = Math.max(free[s] as number, live);
      }
    }
  }

  /** A new trip from the segment a car is on: [fromSeg, ...path, destination]. */
  plan(fromSeg: number): Int32Array {
    const m = this.#net.segments.length;
    for (let attempt = 0; attempt < 8; attempt++) {
      const dest = this.#rng.int(0, m - 1);
      if (dest === fromSeg || this.#closed[dest] === 1) continue;
      const route = this.route(fromSeg, dest);
      if (route !== undefined) return route;
    }
    // everything else failed (closures cut the network): follow any open way out
    const node = this.#net.segTo[fromSeg] as number;
    const first = this.#net.outSegments[this.#net.outStart[node] as number] as number;
    return Int32Array.of(fromSeg, first);
  }

  /** Fastest route from the end of fromSeg to the end of destSeg, or undefined. */
  route(fromSeg: number, destSeg: number): Int32Array | undefined {
    this.routed++;
    const path = this.#router.route(this.#net.segTo[fromSeg] as number, this.#net.segFrom[destSeg] as number, { costs: this.costs });
    if (path === undefined) return undefined;
    const route = new Int32Array(path.length + 2);
    route[0] = fromSeg;
    route.set(path, 1);
    route[path.length + 1] = destSeg;
    return route;
  }
}

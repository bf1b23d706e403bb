/**
 * Fastest paths: A* over segment travel times (free flow by default, or any per-segment cost array,
 * such as current travel times), with a binary heap and visit stamps so a query allocates only the
 * path it returns. Heuristic: straight-line distance at the network's top speed (admissible).
 */
import type { RoadNetwork } from './network.js';
import { MinHeap } from './heap.js';

export interface RouteQuery {
  /** Per-segment cost in seconds; default free-flow travel time. Infinity closes a segment. */
  readonly costs?: Float64Array;
}

export class Router {
  readonly network: RoadNetwork;
  /** Free-flow travel time per segment, seconds. */
  readonly freeFlowCosts: Float64Array;
  readonly #dist: Float64Array;
  readonly #via: Int32Array;
  readonly #stamp: Uint32Array;
  readonly #closed: Uint32Array;
  #generation = 0;
  readonly #heap = new MinHeap(4096);
  readonly #invSpeed: number;
  /** Nodes settled by the last query (for benchmarks and tests). */
  lastSettled = 0;

  constructor(network: RoadNetwork) {
    this.network = network;
    const m = network.segments.length;
    const n = network.nodes.length;
    this.freeFlowCosts = new Float64Array(m);
    for (let s = 0; s < m; s++) this.freeFlowCosts[s] = (network.segLength[s] as number) / (network.segFreeFlow[s] as number);
    this.#dist = new Float64Array(n);
    this.#via = new Int32Array(n);
    this.#stamp = new Uint32Array(n);
    this.#closed = new Uint32Array(n);
    this.#invSpeed = 1 / network.maxFreeFlowMps;
  }

  /**
   * Fastest path from node `from` to node `to` as segment indices (empty when from === to), or
   * undefined when `to` cannot be reached.
   */
  route(from: number, to: number, query: RouteQuery = {}): Int32Array | undefined {
    const net = this.network;
    const costs = query.costs ?? this.freeFlowCosts;
    if (from === to) return new Int32Array(0);
    const gen = ++this.#generation;
    const dist = this.#dist;
    const via = this.#via;
    const stamp = this.#stamp;
    const closed = this.#closed;
    const heap = this.#heap;
    const tx = net.nodeX[to] as number;
    const ty = net.nodeY[to] as number;
    const inv = this.#invSpeed;
    const h = (v: number): number => Math.hypot((net.nodeX[v] as number) - tx, (net.nodeY[v] as number) - ty) * inv;
    heap.clear();
    stamp[from] = gen;
    dist[from] = 0;
    via[from] = -1;
    heap.push(h(from), from);
    let settled = 0;
    let found = false;
    while (heap.size > 0) {
      const v = heap.pop();
      if (closed[v] === gen) continue;
      closed[v] = gen;
      settled++;
      if (v === to) {
        found = true;
        break;
      }
      const dv = dist[v] as number;
      const end = net.outStart[v + 1] as number;
      for (let e = net.outStart[v] as number; e < end; e++) {
        const s = net.outSegments[e] as number;
        const c = costs[s] as number;
        if (!(c < Infinity)) continue;
        const w = net.segTo[s] as number;
        const nd = dv + c;
        if (stamp[w] !== gen) {
          stamp[w] = gen;
          dist[w] = nd;
          via[w] = s;
          heap.push(nd + h(w), w);
        } else if (nd < (dist[w] as number) && closed[w] !== gen) {
          dist[w] = nd;
          via[w] = s;
          heap.push(nd + h(w), w);
        }
      }
    }
    this.lastSettled = settled;
    if (!found) return undefined;
    let count = 0;
    for (let v = to; v !== from; v = net.segFrom[via[v] as number] as number) count++;
    const path = new Int32Array(count);
    for (let v = to, i = count - 1; v !== from; i--) {
      const s = via[v] as number;
      path[i] = s;
      v = net.segFrom[s] as number;
    }
    return path;
  }

  /** Travel time of a path in seconds under the given costs (default free flow). */
  pathCost(path: ArrayLike<number>, costs: Float64Array = this.freeFlowCosts): number {
    let total = 0;
    for (let i = 0; i < path.length; i++) total += costs[path[i] as number] as number;
    return total;
  }
}

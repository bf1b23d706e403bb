/**
 * Strong connectivity: cars must be able to drive from anywhere to anywhere, so the usable network
 * is a strongly connected one. Iterative Tarjan (no recursion: imported networks can be large).
 */
import { createNetwork, toSpecs, type RoadNetwork } from './network.js';

export interface Components {
  /** Component number per node. */
  readonly componentOf: Int32Array;
  readonly count: number;
  /** Size (nodes) of each component. */
  readonly sizes: readonly number[];
  /** Number of the largest component. */
  readonly largest: number;
}

export function stronglyConnectedComponents(net: RoadNetwork): Components {
  const n = net.nodes.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const componentOf = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let sp = 0;
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let next = 0;
  const sizes: number[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = net.outStart[root] as number;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth] as number;
      const e = callEdge[depth] as number;
      if (e < (net.outStart[v + 1] as number)) {
        callEdge[depth] = e + 1;
        const w = net.segTo[net.outSegments[e] as number] as number;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = net.outStart[w] as number;
        } else if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) {
          low[v] = index[w] as number;
        }
        continue;
      }
      if (low[v] === index[v]) {
        const c = sizes.length;
        let size = 0;
        for (;;) {
          const w = stack[--sp] as number;
          onStack[w] = 0;
          componentOf[w] = c;
          size++;
          if (w === v) break;
        }
        sizes.push(size);
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth] as number;
        if ((low[v] as number) < (low[parent] as number)) low[parent] = low[v] as number;
      }
    }
  }
  let largest = 0;
  for (let c = 1; c < sizes.length; c++) if ((sizes[c] as number) > (sizes[largest] as number)) largest = c;
  return { componentOf, count: sizes.length, sizes, largest };
}

/** The network restricted to its largest strongly connected component (same ids). */
export function largestStronglyConnected(net: RoadNetwork, comps = stronglyConnectedComponents(net)): RoadNetwork {
  if (comps.count <= 1) return net;
  const specs = toSpecs(net);
  const keepNode = (i: number): boolean => comps.componentOf[i] === comps.largest;
  return createNetwork({
    centre: net.centre,
    nodes: specs.nodes.filter((_, i) => keepNode(i)),
    segments: specs.segments.filter((_, i) => {
      const s = net.segments[i];
      return s !== undefined && keepNode(s.from) && keepNode(s.to);
    }),
  });
}

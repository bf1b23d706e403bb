/**
 * Roads as units of ownership: a corridor is the set of segments joined by `continues` (same road
 * class and name, to-node = from-node, no U-turn: jam-merge.ts), closed transitively. Everything the
 * detector links across segments follows that relation (a jam is a chain of continuing segments,
 * spillback and the downstream jam factor read the continuation), so a traffic instance that owns
 * whole corridors detects on its roads what one instance would. The repartition topic is keyed by
 * corridor (role.ts, decision 0033). Pure.
 */
import type { RoadNetwork } from '../../../road/network.js';
import { continues } from './jam-merge.js';

export interface Corridors {
  /** Segment index -> corridor key (the id of the corridor's lowest-index segment). */
  readonly keyOf: readonly string[];
  /** Distinct corridors. */
  readonly count: number;
}

export function corridors(net: RoadNetwork): Corridors {
  const n = net.segments.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[x] !== r) {
      const next = parent[x] as number;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  for (let a = 0; a < n; a++) {
    const to = net.segTo[a] as number;
    for (let k = net.outStart[to] as number; k < (net.outStart[to + 1] as number); k++) {
      const b = net.outSegments[k] as number;
      if (!continues(net, a, b)) continue;
      const ra = find(a);
      const rb = find(b);
      // the lower index is the root, so a corridor's key does not depend on the order of unions
      if (ra < rb) parent[rb] = ra;
      else if (rb < ra) parent[ra] = rb;
    }
  }
  const keyOf: string[] = new Array<string>(n);
  const roots = new Set<number>();
  for (let s = 0; s < n; s++) {
    const r = find(s);
    roots.add(r);
    keyOf[s] = (net.segments[r] as { id: string }).id;
  }
  return { keyOf, count: roots.size };
}

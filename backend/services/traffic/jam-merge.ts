/**
 * Merging jammed segments into jams. Segment a continues into b when a's to-node is b's from-node,
 * both have the same road class and name, and b is not a's reverse (no U-turn). Each jammed segment
 * links to at most one jammed continuation (the first by segment index) and is claimed by at most
 * one predecessor, so jams are simple chains, listed tail (upstream) to head (downstream). A ring
 * whose every segment is jammed is cut at its lowest segment index.
 */
import type { RoadNetwork } from '../../../road/network.js';

export function continues(net: RoadNetwork, a: number, b: number): boolean {
  if (net.segTo[a] !== net.segFrom[b] || net.segTo[b] === net.segFrom[a]) return false;
  const sa = net.segments[a];
  const sb = net.segments[b];
  return sa !== undefined && sb !== undefined && sa.roadClass === sb.roadClass && sa.name === sb.name;
}

/** Chains of jammed segment indices, tail to head, sorted by their lowest segment index. */
export function mergeJammed(net: RoadNetwork, jammed: ReadonlySet<number>): number[][] {
  const sorted = [...jammed].sort((a, b) => a - b);
  const next = new Map<number, number>();
  const claimed = new Set<number>();
  for (const a of sorted) {
    const to = net.segTo[a] as number;
    const outs: number[] = [];
    for (let k = net.outStart[to] as number; k < (net.outStart[to + 1] as number); k++) outs.push(net.outSegments[k] as number);
    outs.sort((x, y) => x - y);
    for (const b of outs) {
      if (!jammed.has(b) || claimed.has(b) || !continues(net, a, b)) continue;
      next.set(a, b);
      claimed.add(b);
      break;
    }
  }
  const chains: number[][] = [];
  const done = new Set<number>();
  const walk = (start: number): void => {
    const chain: number[] = [];
    let s: number | undefined = start;
    while (s !== undefined && !done.has(s)) {
      done.add(s);
      chain.push(s);
      s = next.get(s);
    }
    chains.push(chain);
  };
  for (const s of sorted) if (!claimed.has(s)) walk(s);
  for (const s of sorted) if (!done.has(s)) walk(s); // rings
  return chains.sort((x, y) => Math.min(...x) - Math.min(...y));
}

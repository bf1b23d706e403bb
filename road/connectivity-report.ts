/**
 * Why a network is not strongly connected, in words a user can act on: the parts (strongly
 * connected components) with their node counts and sample node ids and positions, and the nodes a
 * car cannot leave (no outgoing segment: the end of a one-way road or a missing reverse direction)
 * or cannot reach (no incoming segment).
 */
import type { Components } from './connectivity.js';
import type { RoadNetwork } from './network.js';

export interface DisconnectionReport {
  readonly parts: readonly { readonly nodes: number; readonly sample: readonly string[] }[];
  readonly deadEnds: readonly string[];
  readonly unreachable: readonly string[];
  readonly text: string;
}

const SAMPLE = 3;
const PARTS = 5;

export function describeDisconnection(net: RoadNetwork, comps: Components): DisconnectionReport {
  const at = (i: number): string => {
    const n = net.nodes[i];
    return n === undefined ? '?' : `${n.id} (${n.lon.toFixed(5)},${n.lat.toFixed(5)})`;
  };
  const members = new Map<number, number[]>();
  for (let i = 0; i < net.nodes.length; i++) {
    const c = comps.componentOf[i] as number;
    const list = members.get(c) ?? [];
    if (list.length < SAMPLE) list.push(i);
    members.set(c, list);
  }
  const order = comps.sizes.map((size, c) => ({ c, size })).sort((a, b) => b.size - a.size || a.c - b.c);
  const parts = order.map(({ c, size }) => ({ nodes: size, sample: (members.get(c) ?? []).map(at) }));
  const deadEnds: string[] = [];
  const unreachable: string[] = [];
  let deadCount = 0;
  let unreachCount = 0;
  for (let i = 0; i < net.nodes.length; i++) {
    if (net.outStart[i] === net.outStart[i + 1]) {
      deadCount++;
      if (deadEnds.length < SAMPLE) deadEnds.push(at(i));
    }
    if (net.inStart[i] === net.inStart[i + 1]) {
      unreachCount++;
      if (unreachable.length < SAMPLE) unreachable.push(at(i));
    }
  }
  const shown = parts
    .slice(0, PARTS)
    .map((p, k) => `part ${k + 1}: ${p.nodes} node(s), e.g. ${p.sample.join(', ')}`)
    .join('; ');
  const more =
    parts.length > PARTS
      ? `; and ${parts.length - PARTS} more part(s) of ${parts.slice(PARTS).reduce((s, p) => s + p.nodes, 0)} node(s)`
      : '';
  const why: string[] = [];
  if (deadCount > 0)
    why.push(
      `${deadCount} node(s) with no way out (a one-way road ends there, or the reverse direction is missing), e.g. ${deadEnds.join(', ')}`,
    );
  if (unreachCount > 0) why.push(`${unreachCount} node(s) no road leads into, e.g. ${unreachable.join(', ')}`);
  if (why.length === 0) why.push('every node has a way in and out, but some groups of one-way roads only lead one way between the parts');
  return { parts, deadEnds, unreachable, text: `${shown}${more}. Why: ${why.join('; ')}` };
}

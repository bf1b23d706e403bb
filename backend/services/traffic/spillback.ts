/**
 * Predicted jams from a queue propagating upstream. A growing jam's tail moves upstream at its
 * measured growth rate (m/min: the backward shockwave speed of Lighthill-Whitham-Richards, read off
 * the data instead of from a fitted fundamental diagram). Walking upstream from the tail along the
 * road (predecessors that continue into it: same class and name), every segment the tail reaches
 * within `horizonMin` gets a warning with the expected arrival time. Pure.
 */
import type { RoadNetwork } from '../../../road/network.js';
import { continues } from './jam-merge.js';
import type { Jam, JamWarning } from './types.js';

export function spillbackWarnings(
  net: RoadNetwork,
  jams: readonly Jam[],
  nowMs: number,
  horizonMin = 10,
  minGrowthMPerMin = 10,
): JamWarning[] {
  const out: JamWarning[] = [];
  for (const jam of jams) {
    if (!(jam.growthMPerMin >= minGrowthMPerMin)) continue;
    const reach = jam.growthMPerMin * horizonMin;
    let s = net.segmentIndexById.get(jam.tailSegment);
    let dist = 0;
    const seen = new Set<number>();
    while (s !== undefined && dist < reach) {
      seen.add(s);
      const from = net.segFrom[s] as number;
      let prev: number | undefined;
      for (let k = net.inStart[from] as number; k < (net.inStart[from + 1] as number); k++) {
        const p = net.inSegments[k] as number;
        if (!seen.has(p) && continues(net, p, s)) {
          prev = p;
          break;
        }
      }
      if (prev === undefined) break;
      const etaMin = dist / jam.growthMPerMin;
      out.push({
        segmentId: (net.segments[prev] as { id: string }).id,
        atMs: nowMs,
        expectedMs: nowMs + Math.round(etaMin * 60_000),
        jamId: jam.id,
        reason: 'queue_spillback',
      });
      dist += net.segLength[prev] as number;
      s = prev;
    }
  }
  return out;
}

/** Small hand-made networks for the simulator's unit tests. */
import { M_PER_DEG, mPerDegLon } from '../../../road/geo.js';
import { createNetwork, type RoadClass, type RoadNetwork, type RoadNodeSpec, type RoadSegmentSpec } from '../../../road/network.js';

const LAT0 = 48.1;
const LON0 = 11.5;
const M_PER_DEG_LON = mPerDegLon(LAT0);

/** lon/lat of a point x metres east, y metres north of the fixture origin. */
export function at(x: number, y: number): [number, number] {
  return [LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG];
}

export interface LoopOptions {
  readonly sideM?: number;
  readonly lanes?: number;
  readonly speedKmh?: number;
  /** Node indices (0..3) with a traffic signal. */
  readonly signals?: readonly number[];
}

/**
 * A one-way square loop n0 -> n1 -> n2 -> n3 -> n0, segments s0..s3 (s_i leaves n_i). s0 runs east,
 * s1 north, s2 west, s3 south.
 */
export function loopNetwork(o: LoopOptions = {}): RoadNetwork {
  const side = o.sideM ?? 500;
  const corners = [at(0, 0), at(side, 0), at(side, side), at(0, side)];
  const nodes: RoadNodeSpec[] = corners.map((p, i) => ({ id: `n${i}`, lon: p[0], lat: p[1], signal: o.signals?.includes(i) ?? false }));
  const segments: RoadSegmentSpec[] = corners.map((p, i) => {
    const q = corners[(i + 1) % 4] as [number, number];
    return {
      id: `s${i}`,
      from: `n${i}`,
      to: `n${(i + 1) % 4}`,
      geometry: [p, q],
      lanes: o.lanes ?? 1,
      freeFlowMps: (o.speedKmh ?? 50) / 3.6,
      roadClass: 'arterial' as RoadClass,
      name: `side ${i}`,
    };
  });
  return createNetwork({ nodes, segments });
}

/** Distance along the loop of a car's front: side * segment + position. */
export function loopPosition(net: RoadNetwork, seg: number, pos: number): number {
  let base = 0;
  for (let s = 0; s < seg; s++) base += net.segLength[s] as number;
  return base + pos;
}

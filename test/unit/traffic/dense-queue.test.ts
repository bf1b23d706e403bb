import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCity } from '../../../road/city.js';
import { bearingDeg } from '../../../road/geo.js';
import type { RoadNetwork } from '../../../road/network.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { TrafficDetector } from '../../../backend/services/traffic/detector.js';
import { MapMatcher } from '../../../backend/services/traffic/map-matcher.js';

const net = generateCity({ seed: 7, sizeM: 1500, centre: { lat: 48.137, lon: 11.575 } });
const index = new SegmentIndex(net);

/** A fix `m` metres along segment id (negative: before its start), with its heading and speed. */
function at(network: RoadNetwork, id: string, m: number, vin: string, ts: number, speedMps: number) {
  const s = network.segments[network.segmentIndexById.get(id) as number];
  assert.ok(s !== undefined, id);
  const a = s.geometry[0] as readonly [number, number];
  const b = s.geometry[s.geometry.length - 1] as readonly [number, number];
  const f = m / s.lengthM;
  return {
    vin,
    ts,
    lon: a[0] + (b[0] - a[0]) * f,
    lat: a[1] + (b[1] - a[1]) * f,
    headingDeg: bearingDeg(a[0], a[1], b[0], b[1]),
    speedMps,
  };
}

/** The first segment (by index) ending at a traffic signal, with at least `minLengthM`. */
function signalApproach(minLengthM: number): { id: string; lengthM: number; lanes: number } {
  for (let s = 0; s < net.segments.length; s++) {
    const seg = net.segments[s] as { id: string; lengthM: number; lanes: number };
    if (net.nodes[net.segTo[s] as number]?.signal === true && seg.lengthM >= minLengthM) return seg;
  }
  throw new Error('no signal approach in the test city');
}

/** Steps every 10 s over `seconds` of 1 Hz fixes; the first time (s) the segment is jammed, or undefined. */
function firstJammed(d: TrafficDetector, id: string, seconds: number, cars: (t: number) => ReturnType<typeof at>[]): number | undefined {
  for (let t = 1; t <= seconds; t++) {
    for (const fix of cars(t)) d.ingest(fix);
    if (t % 10 === 0 && d.step(t * 1000).statuses.some((s) => s.key === id && s.jammed)) return t;
  }
  return undefined;
}

const approach = signalApproach(100);

test('a queue filling a signal approach is a jam after three slow slots', () => {
  // 0.7 of the lanes' length at 7.5 m per vehicle, spread along the segment from its stop line
  const n = Math.ceil((0.7 * approach.lanes * approach.lengthM) / 7.5);
  const perLane = Math.ceil(n / approach.lanes);
  const queue = (t: number) =>
    Array.from({ length: n }, (_, k) => at(net, approach.id, approach.lengthM - 2 - 7.5 * (k % perLane), `Q${k}`, t * 1000, 1.5));
  const d = new TrafficDetector(index, { denseConfirmSlots: 3 });
  assert.equal(firstJammed(d, approach.id, 120, queue), 30);
});

test('a short queue at a signal (a red phase) still needs a full cycle of slow slots', () => {
  const queue = (t: number) => ['R1', 'R2', 'R3'].map((v, k) => at(net, approach.id, approach.lengthM - 2 - 7.5 * k, v, t * 1000, 1.5));
  const d = new TrafficDetector(index, { denseConfirmSlots: 3 });
  const first = firstJammed(d, approach.id, 120, queue);
  assert.ok(first !== undefined && first >= 60, `not before 60 s (at ${first} s)`);
  assert.equal(firstJammed(new TrafficDetector(index, { denseConfirmSlots: 0 }), approach.id, 120, queue), first);
});

test('a car queued at the stop line stays on its approach although its fixes scatter past the junction', () => {
  const x = net.segmentIndexById.get(approach.id) as number;
  const to = net.segTo[x] as number;
  let next: { id: string } | undefined;
  for (let k = net.outStart[to] as number; k < (net.outStart[to + 1] as number); k++) {
    const s = net.outSegments[k] as number;
    const h = (id: number) => {
      const g = net.segments[id]?.geometry as readonly (readonly [number, number])[];
      const a = g[0] as readonly [number, number];
      const b = g[g.length - 1] as readonly [number, number];
      return bearingDeg(a[0], a[1], b[0], b[1]);
    };
    if (Math.abs(((h(s) - h(x) + 540) % 360) - 180) < 20) next = net.segments[s];
  }
  assert.ok(next !== undefined, 'the approach continues straight on');
  const m = new MapMatcher(index);
  assert.equal(m.match(at(net, approach.id, approach.lengthM - 20, 'C', 0, 5))?.key, approach.id);
  // creeping at the stop line, GPS noise putting it 2-4 m past the junction
  for (let t = 1; t <= 20; t++) {
    const fix = at(net, next.id, 2 + (t % 3), 'C', t * 1000, 1.2);
    assert.equal(m.match(fix)?.key, approach.id, `fix ${t} stays on the approach`);
  }
  // driving off: well past the junction it is on the next segment
  assert.equal(m.match(at(net, next.id, 15, 'C', 21_000, 4))?.key, next.id);
});

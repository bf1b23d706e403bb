import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCity } from '../../../road/city.js';
import { bearingDeg } from '../../../road/geo.js';
import type { RoadNetwork } from '../../../road/network.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { TrafficDetector } from '../../../backend/services/traffic/detector.js';
import { QueueEvidence } from '../../../backend/services/traffic/queue-evidence.js';

const net = generateCity({ seed: 7, sizeM: 1500, centre: { lat: 48.137, lon: 11.575 } });
const index = new SegmentIndex(net);

/** A fix at fraction f along segment id, with its heading and speed. */
function at(network: RoadNetwork, id: string, f: number, vin: string, ts: number, speedMps: number) {
  const s = network.segments[network.segmentIndexById.get(id) as number];
  assert.ok(s !== undefined, id);
  const a = s.geometry[0] as readonly [number, number];
  const b = s.geometry[s.geometry.length - 1] as readonly [number, number];
  return {
    vin,
    ts,
    lon: a[0] + (b[0] - a[0]) * f,
    lat: a[1] + (b[1] - a[1]) * f,
    headingDeg: bearingDeg(a[0], a[1], b[0], b[1]),
    speedMps,
  };
}

/** Runs `seconds` of 1 Hz fixes from `cars(t)` and steps every 10 s; returns the jammed ids per step. */
function run(d: TrafficDetector, fromS: number, seconds: number, cars: (t: number) => ReturnType<typeof at>[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (let t = fromS + 1; t <= fromS + seconds; t++) {
    for (const fix of cars(t)) d.ingest(fix);
    if (t % 10 === 0) {
      const o = d.step(t * 1000);
      out.set(t, new Set(o.statuses.filter((s) => s.jammed).map((s) => s.key)));
    }
  }
  return out;
}

const A = 'g4_6-g4_7';
const UP = 'g4_5-g4_6';

test('QueueEvidence counts distinct slow vehicles in the span and forgets a car moving freely', () => {
  const q = new QueueEvidence();
  q.record(1, 'a', 1000, true);
  q.record(1, 'b', 5000, true);
  q.record(1, 'b', 6000, true);
  assert.equal(q.count(1, 0), 2);
  assert.equal(q.count(1, 2000), 1);
  q.record(1, 'b', 7000, false);
  assert.equal(q.count(1, 0), 1);
  q.prune(2000);
  assert.equal(q.count(1, 0), 0);
  assert.equal(q.count(9, 0), 0);
});

test('one car standing for two minutes is not a jam; a queue of three is, within 40-50 s', () => {
  const one = new TrafficDetector(index);
  const lone = run(one, 0, 120, (t) => [at(net, A, 0.6, 'LONE', t * 1000, 0)]);
  assert.ok(
    [...lone.values()].every((s) => !s.has(A)),
    'a single standing car never makes a jam',
  );

  const three = new TrafficDetector(index);
  const steps = run(three, 0, 120, (t) => ['Q1', 'Q2', 'Q3'].map((v, k) => at(net, A, 0.8 - k * 0.1, v, t * 1000, 0.5)));
  const first = [...steps.entries()].find(([, s]) => s.has(A))?.[0];
  assert.ok(first !== undefined && first <= 50, `a three-car queue is a jam within 50 s (at ${first} s)`);
});

test('a queue spilling back upstream on the same road is confirmed after two slow slots', () => {
  const d = new TrafficDetector(index);
  const head = (t: number) => ['H1', 'H2', 'H3'].map((v, k) => at(net, A, 0.8 - k * 0.1, v, t * 1000, 0.3));
  const before = run(d, 0, 100, head);
  assert.ok(before.get(100)?.has(A), 'the head segment is jammed');
  // the tail reaches the upstream segment at 100 s
  const after = run(d, 100, 60, (t) => [...head(t), ...['U1', 'U2'].map((v, k) => at(net, UP, 0.7 - k * 0.2, v, t * 1000, 2))]);
  const first = [...after.entries()].find(([, s]) => s.has(UP))?.[0];
  assert.equal(first, 120, 'upstream segment jammed after 20 s');
  const chain = d.tracker.jams.find((j) => j.segments.includes(A));
  assert.deepEqual(chain?.segments, [UP, A], 'one jam from the new tail to the head');
});

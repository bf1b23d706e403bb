import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode } from '../../../protocol/index.js';
import { generateCity } from '../../../road/city.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import { TrafficService } from '../../../backend/services/traffic/service.js';
import { stepOutputs } from '../../../backend/services/traffic/role.js';
import { carsHeadingTowards, carsUpstream, sameRoadAhead, upstreamWithin } from '../../../backend/services/traffic/upstream.js';

const net = generateCity({ seed: 7, sizeM: 1500, centre: { lat: 48.137, lon: 11.575 } });
const seg = (id: string): number => net.segmentIndexById.get(id) as number;

test('upstreamWithin: predecessors by road distance, no U-turn, bounded by maxM', () => {
  const target = seg('g4_6-g4_7');
  const up = upstreamWithin(net, target, 400);
  assert.equal(up.get(seg('g4_5-g4_6')), 0, 'the segment right before the tail is at distance 0');
  assert.ok(!up.has(seg('g4_7-g4_6')), 'the reverse direction is not upstream');
  assert.ok(!up.has(target));
  const two = up.get(seg('g4_4-g4_5'));
  assert.ok(two !== undefined && Math.abs(two - (net.segLength[seg('g4_5-g4_6')] as number)) < 1e-6);
  for (const d of up.values()) assert.ok(d <= 400);
  assert.equal(upstreamWithin(net, target, 0).size, [...upstreamWithin(net, target, 400).values()].filter((d) => d === 0).length);
});

test('carsUpstream: only fresh fixes on upstream segments, nearest first', () => {
  const up = new Map([
    [1, 0],
    [2, 150],
  ]);
  const cars = carsUpstream(
    [
      ['B', 2, 1000],
      ['A', 1, 1000],
      ['C', 3, 1000],
      ['D', 1, -60_000],
    ],
    up,
    5000,
  );
  assert.deepEqual(cars, [
    { vin: 'A', distanceM: 0 },
    { vin: 'B', distanceM: 150 },
  ]);
});

test('sameRoadAhead and carsHeadingTowards: only cars heading towards the target are warned', () => {
  const target = seg('g4_6-g4_7');
  const up = upstreamWithin(net, target, 800);
  assert.ok(sameRoadAhead(net, seg('g4_4-g4_5'), target, 800), 'two segments back on the same road');
  assert.ok(!sameRoadAhead(net, seg('g4_4-g4_5'), target, 10), 'but not within 10 m of road in between');
  assert.ok(!sameRoadAhead(net, seg('g4_7-g4_6'), target, 800), 'the opposite direction');
  // a car on a cross street upstream: warned under 'approaching' only if it came from farther away
  const cross = [...up.entries()].find(([s, d]) => d > 0 && !sameRoadAhead(net, s, target, 800));
  assert.ok(cross !== undefined);
  const [cs, cd] = cross;
  const fartherPrev = [...up.entries()].find(([, d]) => d > cd)?.[0] as number;
  const nearerPrev = [...up.entries()].find(([, d]) => d < cd)?.[0] as number;
  const paths: [string, number, number, number][] = [
    ['ROAD', seg('g4_4-g4_5'), 1000, -1],
    ['TOWARDS', cs, 1000, fartherPrev],
    ['AWAY', cs, 1000, nearerPrev],
    ['OPPOSITE', seg('g4_7-g4_6'), 1000, -1],
    ['STALE', seg('g4_5-g4_6'), -60_000, -1],
  ];
  const vins = (sel: 'upstream' | 'approaching' | 'road'): string[] =>
    carsHeadingTowards(net, paths, target, up, 800, 5000, sel)
      .map((c) => c.vin)
      .sort();
  assert.deepEqual(vins('road'), ['ROAD']);
  assert.deepEqual(vins('approaching'), ['ROAD', 'TOWARDS']);
  // the old rule: every fresh car upstream, even the opposite direction (it can loop round the block within 800 m)
  assert.deepEqual(vins('upstream'), ['AWAY', 'OPPOSITE', 'ROAD', 'TOWARDS']);
});

test('TrafficService: steps on the record clock (after lateness), segment reports and Kafka records', () => {
  const svc = new TrafficService(new SegmentIndex(net), { stepMs: 10_000, latenessMs: 2000 });
  const s = net.segments[seg('g4_5-g4_6')] as { geometry: readonly (readonly [number, number])[] };
  const [a, b] = [s.geometry[0], s.geometry[s.geometry.length - 1]] as [readonly [number, number], readonly [number, number]];
  const lon = (a[0] + b[0]) / 2;
  const lat = (a[1] + b[1]) / 2;
  const heading = ((Math.atan2((b[0] - a[0]) * Math.cos((lat * Math.PI) / 180), b[1] - a[1]) * 180) / Math.PI + 360) % 360;
  const fix = (ts: number) => ({ vin: 'V1', ts, lon, lat, headingDeg: heading, speedMps: 10 });
  assert.deepEqual(svc.ingestFix(fix(1_000)), []);
  assert.deepEqual(svc.ingestFix(fix(11_000)), [], 'the step at 10 s waits for the lateness');
  const due = svc.ingestFix(fix(12_000));
  assert.equal(due.length, 1);
  assert.equal(due[0]?.atMs, 10_000);
  assert.deepEqual(
    due[0]?.segments.map((x) => x.segmentId),
    ['g4_5-g4_6'],
  );
  const out = stepOutputs(due[0]!, 'p.', true);
  assert.equal(out.records[0]?.topic, 'p.traffic');
  assert.equal(out.records[0]?.key, 'g4_5-g4_6');
  assert.equal(JSON.parse(String(out.records[0]?.value)).type, 'segment');
  assert.equal(svc.advanceTo(40_000).length, 2, 'advanceTo runs the steps due without data');
  assert.equal(svc.segmentsFrame().atMs, 30_000);
});

test('stepOutputs: jam events on the jams topic keyed by jam id, car warnings as protocol bytes keyed by VIN', () => {
  const jam = {
    id: 'jam-1',
    segments: ['a', 'b'],
    headSegment: 'b',
    tailSegment: 'a',
    lengthM: 300,
    growthMPerMin: 0,
    maxJamFactor: 8,
    startedMs: 1,
    updatedMs: 1,
  };
  const warning = {
    warningId: 'tj-1',
    vin: '1V2XT0S07NA000001',
    type: 'traffic_jam' as const,
    severity: 'warning' as const,
    position: { lat: 48.1, lon: 11.5 },
    radiusM: 300,
    segmentId: 'a',
    message: 'traffic jam ahead: 300 m',
    issuedAt: 1_000,
    expiresAt: 601_000,
  };
  const out = stepOutputs(
    {
      atMs: 1,
      events: [{ type: 'jam_started', atMs: 1, jam }],
      segments: [],
      predicted: [],
      forecasts: [],
      carWarnings: [warning],
      avoid: [['a', 'b']],
    },
    '',
    false,
  );
  assert.deepEqual(
    out.records.map((r) => [r.topic, r.key]),
    [
      ['jams', 'jam-1'],
      ['warnings', warning.vin],
    ],
  );
  assert.equal(out.jamMsgs[0]?.type, 'jam_started');
  assert.deepEqual(decode('warning', Buffer.from(out.records[1]?.value as Buffer)), warning);
});

test('TrafficModel.rerouteAround: a route through the jam is replanned around it; others are left alone', () => {
  const model = new TrafficModel(net, { seed: 3, cars: 0, capacity: 2 });
  const route = ['g4_4-g4_5', 'g4_5-g4_6', 'g4_6-g4_7', 'g4_7-g4_8'];
  const c = model.addCar({ segmentId: route[0] as string, positionM: 5, route });
  assert.equal(model.rerouteAround(c, ['g9_9-g9_10']), false, 'not on its route');
  assert.equal(model.rerouteAround(c, ['g4_6-g4_7']), true);
  const fresh = [...(model.state.routes[c] as Int32Array)].map((s) => (net.segments[s] as { id: string }).id);
  assert.equal(fresh[0], 'g4_4-g4_5');
  assert.equal(fresh[fresh.length - 1], 'g4_7-g4_8');
  assert.ok(!fresh.includes('g4_6-g4_7'));
});

/**
 * Traffic partitioned by road (decision 0033): the corridor keying of the repartition topic, its
 * record codec, the per-partition tasks' restore by replay and the warning fan-out. Pure: a fake
 * changelog reader stands for Kafka.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCity } from '../../../road/city.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { partitionOfKey } from '../../../backend/kafka/partitioner.js';
import type { ChangelogReader } from '../../../backend/kafka/state-store.js';
import type { InRecord } from '../../../backend/kafka/types.js';
import { corridors } from '../../../backend/services/traffic/corridors.js';
import { continues, mergeJammed } from '../../../backend/services/traffic/jam-merge.js';
import { MapMatcher } from '../../../backend/services/traffic/map-matcher.js';
import { decodeMatchedFix, matchedFixRecord } from '../../../backend/services/traffic/repartition.js';
import { publicJamId, SegmentTasks } from '../../../backend/services/traffic/segment-tasks.js';
import { TrafficService, type StepResult } from '../../../backend/services/traffic/service.js';
import { WarningFanout, warningIdOf, warningTargets } from '../../../backend/services/traffic/warn-fanout.js';
import type { MatchedFix } from '../../../backend/services/traffic/types.js';

const net = generateCity({ seed: 7, sizeM: 1500, centre: { lat: 48.137, lon: 11.575 } });
const index = new SegmentIndex(net);
const roads = corridors(net);
const seg = (id: string): number => net.segmentIndexById.get(id) as number;

test('corridors: a segment and its continuation share a key; different roads do not', () => {
  let pairs = 0;
  for (let a = 0; a < net.segments.length; a++) {
    const to = net.segTo[a] as number;
    for (let k = net.outStart[to] as number; k < (net.outStart[to + 1] as number); k++) {
      const b = net.outSegments[k] as number;
      const sa = net.segments[a] as { name: string; roadClass: string };
      const sb = net.segments[b] as { name: string; roadClass: string };
      if (continues(net, a, b)) {
        pairs++;
        assert.equal(roads.keyOf[a], roads.keyOf[b]);
      } else if (sa.name !== sb.name || sa.roadClass !== sb.roadClass) assert.notEqual(roads.keyOf[a], roads.keyOf[b]);
    }
  }
  assert.ok(pairs > 100);
  assert.ok(roads.count > 10 && roads.count < net.segments.length, `${roads.count} corridors`);
  assert.deepEqual(corridors(net).keyOf, roads.keyOf, 'deterministic');
});

test('corridors: every chain of jammed segments lies in one corridor, so on one partition', () => {
  let seed = 42;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  let multi = 0;
  for (let round = 0; round < 50; round++) {
    const jammed = new Set<number>();
    for (let s = 0; s < net.segments.length; s++) if (rnd() < 0.3) jammed.add(s);
    for (const chain of mergeJammed(net, jammed)) {
      if (chain.length > 1) multi++;
      const keys = new Set(chain.map((s) => roads.keyOf[s]));
      assert.equal(keys.size, 1, `chain ${chain.join(',')} spans corridors`);
      assert.equal(new Set([...keys].map((k) => partitionOfKey(k as string, 6))).size, 1);
    }
  }
  assert.ok(multi > 50, 'chains of several segments were tried');
});

test('repartition records: keyed by corridor, the fix round-trips, bad values are refused', () => {
  const m: MatchedFix = { vin: 'V1', ts: 1_700_000_000_000, key: 'g4_5-g4_6', speedMps: 12.5, distanceM: 3.25 };
  const r = matchedFixRecord('p.fixes', roads.keyOf[seg('g4_5-g4_6')] as string, m);
  assert.equal(r.key, roads.keyOf[seg('g4_5-g4_6')]);
  assert.equal(r.timestamp, undefined, 'written at append time: retention counts from then');
  assert.deepEqual(decodeMatchedFix(Buffer.from(String(r.value))), m);
  for (const bad of ['', 'nope', '[]', '["V1",1,"s",1]', '[1,1,"s",1,1]', '["V1","x","s",1,1]', '["","1","s",1,1]'])
    assert.equal(decodeMatchedFix(Buffer.from(bad)), undefined, bad);
  assert.equal(decodeMatchedFix(null), undefined);
});

/** Fixes on one road: free flow, then a queue on two consecutive segments for 4 minutes, then free again. */
function stream(): InRecord[] {
  const road = ['g4_3-g4_4', 'g4_4-g4_5', 'g4_5-g4_6'];
  const slow = new Set(['g4_4-g4_5', 'g4_5-g4_6']);
  const out: InRecord[] = [];
  const t0 = 1_700_000_000_000;
  for (let t = 0; t < 600; t++) {
    for (let car = 0; car < 6; car++) {
      const key = road[car % road.length] as string;
      const jammed = t >= 120 && t < 360 && slow.has(key);
      const fix: MatchedFix = {
        vin: `V${car}`,
        ts: t0 + t * 1000 + car * 10,
        key,
        speedMps: jammed ? 0.8 + car * 0.1 : 12 + car * 0.2,
        distanceM: 1,
      };
      const v = matchedFixRecord('fixes', roads.keyOf[seg(key)] as string, fix);
      out.push({
        topic: 'fixes',
        partition: 0,
        offset: String(out.length),
        key: v.key,
        value: Buffer.from(String(v.value)),
        headers: {},
        timestamp: fix.ts,
      });
    }
  }
  return out;
}

const newService = (): TrafficService => new TrafficService(index, { stepMs: 10_000, latenessMs: 2000 });
const reader = (records: readonly InRecord[]): ChangelogReader => ({
  async read(partitions, each) {
    for (const r of records) if (partitions.includes(r.partition)) each(r);
  },
});
const events = (results: readonly StepResult[]): string[] => results.flatMap((r) => r.events.map((e) => `${e.type}@${e.atMs}:${e.jam.id}`));

test('SegmentTasks: public jam ids, redelivered offsets skipped', async () => {
  const recs = stream();
  const tasks = new SegmentTasks({ newService, reader: reader([]), wall: () => 0 });
  await tasks.assign([0]);
  const all: string[] = [];
  for (let i = 0; i < recs.length; i += 60) all.push(...events(tasks.handle(recs.slice(i, i + 60))?.results ?? []));
  assert.ok(
    all.some((e) => e.startsWith('jam_started')),
    'the queue is a jam',
  );
  assert.ok(
    all.some((e) => e.startsWith('jam_cleared')),
    'and clears',
  );
  for (const e of all) assert.match(e, /:jam-g4_\d-g4_\d-\d+$/);
  const again = tasks.handle(recs.slice(600, 660));
  assert.equal(again?.skipped, 60);
  assert.deepEqual(again?.results, []);
  assert.equal(publicJamId({ headSegment: 'a', startedMs: 5 } as Parameters<typeof publicJamId>[0]), 'jam-a-5');
});

test('SegmentTasks: a new owner restored by replay writes, from the committed offset on, what the old owner would have', async () => {
  const recs = stream();
  const batch = 60;
  // the uninterrupted owner: the outputs of every batch
  const ref = new SegmentTasks({ newService, reader: reader([]), wall: () => 0 });
  await ref.assign([0]);
  const refOut = new Map<number, string[]>();
  for (let i = 0; i < recs.length; i += batch) refOut.set(i, events(ref.handle(recs.slice(i, i + batch))?.results ?? []));
  for (const committed of [600, 1200, 1500, 2400]) {
    // the old owner handled up to `processed` (> committed: written, not committed) and died; the
    // log holds more than either when the new owner restores
    const processed = committed + 2 * batch;
    const high = processed + 3 * batch;
    const next = new SegmentTasks({ newService, reader: reader(recs.slice(0, high)), wall: () => 0 });
    const a = await next.assign([0]);
    assert.deepEqual(a.added, [0]);
    assert.equal(a.recordsRead, high);
    const got: string[] = [];
    const want: string[] = [];
    for (let i = committed; i < recs.length; i += batch) {
      const b = next.handle(recs.slice(i, i + batch));
      if (i === committed) assert.equal(b?.replayed, committed, 'the fixes below the committed offset, applied silently');
      got.push(...events(b?.results ?? []));
      want.push(...(refOut.get(i) ?? []));
    }
    assert.deepEqual(got, want, `restored at ${committed}`);
  }
});

test('SegmentTasks: one instance with two partitions and two instances with one each give the same steps', async () => {
  const recs = stream();
  const other = recs.map((r) => ({ ...r, partition: 1 }));
  const one = new SegmentTasks({ newService, reader: reader([]), wall: () => 0 });
  await one.assign([0, 1]);
  const a = new SegmentTasks({ newService, reader: reader([]), wall: () => 0 });
  const b = new SegmentTasks({ newService, reader: reader([]), wall: () => 0 });
  await a.assign([0]);
  await b.assign([1]);
  for (let i = 0; i < recs.length; i += 100) {
    assert.deepEqual(one.handle(recs.slice(i, i + 100))?.results, a.handle(recs.slice(i, i + 100))?.results);
    assert.deepEqual(one.handle(other.slice(i, i + 100))?.results, b.handle(other.slice(i, i + 100))?.results);
  }
  const revoked = await one.assign([1]);
  assert.deepEqual(revoked.revoked, [0]);
  assert.deepEqual(one.partitions(), [1]);
  assert.equal(one.owns(0), false);
});

test('warning fan-out: an instance warns its own cars upstream of a target, once per jam, with deterministic ids', () => {
  const matcher = new MapMatcher(index);
  const jam = {
    id: 'jam-g4_7-g4_8-1000',
    segments: ['g4_6-g4_7', 'g4_7-g4_8'],
    headSegment: 'g4_7-g4_8',
    tailSegment: 'g4_6-g4_7',
    lengthM: 250,
    growthMPerMin: 0,
    maxJamFactor: 8,
    startedMs: 1000,
    updatedMs: 1000,
  };
  const step: StepResult = {
    atMs: 10_000,
    events: [{ type: 'jam_started', atMs: 10_000, jam }],
    segments: [],
    predicted: [],
    forecasts: [],
    carWarnings: [],
    avoid: [],
  };
  const [target] = warningTargets(net, step);
  assert.equal(target?.segmentId, 'g4_6-g4_7');
  assert.equal(target?.key, jam.id);
  matcher.remember('ON_ROAD', seg('g4_5-g4_6'), 9_000);
  matcher.remember('OPPOSITE', seg('g4_7-g4_6'), 9_000);
  const fan = new WarningFanout(net, matcher, { distanceM: 800, ttlMs: 600_000 });
  const w = fan.warn(target!);
  assert.deepEqual(
    w.map((x) => x.vin),
    ['ON_ROAD'],
  );
  assert.equal(w[0]?.warningId, warningIdOf('ON_ROAD', jam.id, 10_000));
  assert.match(w[0]?.warningId ?? '', /^[A-Za-z0-9_.:-]{1,64}$/);
  assert.deepEqual(fan.warn(target!), [], 'once per jam');
});

/**
 * Geofencing across a rebalance, as pure logic: cars evaluated by one instance, their state written
 * to the changelog (car-state.ts codec through a StateStore), restored by another instance, give the
 * same events from there on as one uninterrupted evaluator; a replay of an uncommitted batch gives
 * events with the same ids, which the deduper drops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertFence,
  createGeofenceState,
  evaluate,
  fencesOf,
  type FixInput,
  type GeofenceEvent,
  type GeofenceState,
} from '../../../backend/services/geofencing/index.js';
import { carStateCodec, installCar } from '../../../backend/services/geofencing/car-state.js';
import { EVENT_ID_HEADER, EventDeduper, geofenceEventId, geofenceEventIdOf } from '../../../backend/services/geofencing/event-id.js';
import { eventRecord } from '../../../backend/services/geofencing/records.js';
import { StateStore, type ChangelogReader } from '../../../backend/kafka/state-store.js';
import type { InRecord, OutRecord } from '../../../backend/kafka/types.js';
import type { CarState } from '../../../backend/services/geofencing/types.js';

const LAT = 48.137;
const LON = 11.575;
const KX = 111_195 * Math.cos((LAT * Math.PI) / 180);
const at = (e: number, n: number): { lat: number; lon: number } => ({ lat: LAT + n / 111_195, lon: LON + e / KX });
const fix = (vin: string, ts: number, e: number, n: number): FixInput => ({ kind: 'fix', vin, ts, ...at(e, n) });
const rect = (id: string, e0: number, n0: number, e1: number, n1: number, dwellS?: number) => {
  const [a, b, c, d] = [at(e0, n0), at(e1, n0), at(e1, n1), at(e0, n1)];
  return assertFence({
    id,
    name: id,
    geometry: { type: 'Polygon', coordinates: [[a, b, c, d, a].map((p) => [p.lon, p.lat])] },
    ...(dwellS === undefined ? {} : { dwellS }),
  });
};
const fences = () => [rect('zone:a', 0, 0, 200, 200, 10), rect('zone:b', 300, 0, 500, 200)];

/** Cars driving east through both fences, 10 m per second, one fix a second; car i starts i*7 m further west. */
function drive(cars: number, seconds: number): FixInput[] {
  const out: FixInput[] = [];
  for (let t = 0; t < seconds; t++)
    for (let i = 0; i < cars; i++) out.push(fix(`CAR${i}`, 1_000_000 + t * 1000, -100 - i * 7 + t * 10, 100));
  return out;
}

const events = (s: GeofenceState, inputs: readonly FixInput[]): GeofenceEvent[] =>
  inputs.flatMap((i) => evaluate(s, i).outputs.flatMap((o) => (o.kind === 'event' ? [o.event] : [])));

class Log implements ChangelogReader {
  readonly records: InRecord[] = [];
  append(r: OutRecord): void {
    this.records.push({
      topic: r.topic,
      partition: 0,
      offset: String(this.records.length),
      key: r.key,
      value: r.value === null ? null : Buffer.from(r.value),
      headers: {},
      timestamp: 0,
    });
  }
  async read(_ps: readonly number[], each: (r: InRecord) => void): Promise<void> {
    for (const r of this.records) each(r);
  }
}

test('the car-state codec round-trips a car and refuses what is not one', () => {
  const car: CarState = {
    lastTs: 5,
    lastLat: 48.1,
    lastLon: 11.5,
    tags: ['vip'],
    members: [{ fenceId: 'a', inside: true, since: 3, dwellFired: false, streak: 1, seen: 9 }],
  };
  const back = carStateCodec.decode(Buffer.from(carStateCodec.encode(car)), 'V');
  assert.deepEqual(back, { ...car, members: [{ ...car.members[0], seen: 0 }] });
  assert.equal(carStateCodec.decode(Buffer.from('{"v":1}'), 'V'), undefined);
  assert.equal(carStateCodec.decode(Buffer.from('not json'), 'V'), undefined);
});

test('state restored from the changelog after a rebalance gives the same events as one uninterrupted evaluator', async () => {
  const inputs = drive(20, 70);
  const cut = inputs.length / 2;
  const whole = events(createGeofenceState({}, fences()), inputs);
  assert.ok(whole.some((e) => e.type === 'dwell') && whole.some((e) => e.type === 'exit'), 'the run has enters, dwells and exits');

  // instance 1 evaluates the first half and writes each car's state after each fix
  const log = new Log();
  const s1 = createGeofenceState({}, fences());
  const store1 = new StateStore<CarState>({ topic: 'geofencing-state', codec: carStateCodec, reader: log });
  await store1.assign([0]);
  const first: GeofenceEvent[] = [];
  for (const i of inputs.slice(0, cut)) {
    first.push(...events(s1, [i]));
    log.append(store1.put(0, i.vin, s1.cars.get(i.vin)!));
  }
  // instance 2 takes the partition over: restore, then the second half
  const s2 = createGeofenceState({}, fences());
  const store2 = new StateStore<CarState>({ topic: 'geofencing-state', codec: carStateCodec, reader: log });
  const a = await store2.assign([0]);
  for (const [vin, car] of a.restored) installCar(s2, vin, car);
  assert.equal(a.restored.size, 20);
  assert.deepEqual(fencesOf(s2, 'CAR0'), fencesOf(s1, 'CAR0'));
  const second = events(s2, inputs.slice(cut));
  assert.deepEqual([...first, ...second], whole);
});

test('a replayed batch after the changelog was written yields no events; before it, the same ids (dropped by the deduper)', async () => {
  const inputs = drive(5, 40);
  const s = createGeofenceState({}, fences());
  const before = events(s, inputs.slice(0, 60));
  const snapshot = new Map([...s.cars].map(([vin, c]) => [vin, carStateCodec.decode(Buffer.from(carStateCodec.encode(c)), vin)!]));
  const batch = inputs.slice(60, 120);
  const out = events(s, batch);
  assert.ok(out.length > 0, 'the batch has events');
  // the changelog had this batch's state: the evaluator ignores the redelivered fixes (not newer)
  assert.deepEqual(events(s, batch), []);
  // the changelog had the state before the batch: the replay gives the same events, the same ids
  const replayState = createGeofenceState({}, fences());
  for (const [vin, car] of snapshot) installCar(replayState, vin, car);
  const replay = events(replayState, batch);
  assert.deepEqual(replay.map(geofenceEventId), out.map(geofenceEventId));
  const dedupe = new EventDeduper(1000);
  const kept = [...before, ...out, ...replay].filter((e) => dedupe.firstSeen(geofenceEventId(e)));
  assert.deepEqual(kept, [...before, ...out]);
  assert.equal(dedupe.duplicates, replay.length);
});

test('event ids: deterministic from VIN, fence, type and fix time; in the record value and header', () => {
  const e: GeofenceEvent = { type: 'enter', fenceId: 'depot/1', vin: 'V1', ts: 1234, position: { lat: 1, lon: 2 } };
  assert.equal(geofenceEventId(e), 'V1/depot%2F1/enter/1234');
  assert.notEqual(geofenceEventId(e), geofenceEventId({ ...e, type: 'exit' }));
  assert.notEqual(geofenceEventId(e), geofenceEventId({ ...e, ts: 1235 }));
  const r = eventRecord(e, 'p.');
  assert.equal(r.topic, 'p.geofence-events');
  assert.equal(r.key, 'V1');
  assert.equal(r.headers?.[EVENT_ID_HEADER], 'V1/depot%2F1/enter/1234');
  assert.equal((JSON.parse(String(r.value)) as { id: string }).id, 'V1/depot%2F1/enter/1234');
  const value = Buffer.from(String(r.value));
  assert.equal(geofenceEventIdOf({ headers: r.headers ?? {}, value }), 'V1/depot%2F1/enter/1234', 'from the header');
  assert.equal(geofenceEventIdOf({ headers: {}, value }), 'V1/depot%2F1/enter/1234', 'from the value');
  assert.equal(geofenceEventIdOf({ headers: {}, value: Buffer.from('not json') }), undefined);
  assert.equal(geofenceEventIdOf({ headers: {}, value: null }), undefined);
});

test('the deduper forgets the oldest ids beyond its capacity', () => {
  const d = new EventDeduper(2);
  assert.equal(d.firstSeen('a'), true);
  assert.equal(d.firstSeen('a'), false);
  d.firstSeen('b');
  d.firstSeen('c');
  assert.equal(d.firstSeen('a'), true, 'a was forgotten');
  assert.throws(() => new EventDeduper(0), /capacity must be a positive integer/);
});

test('a restored membership of a fence deleted meanwhile is dropped without events', () => {
  const s = createGeofenceState({}, [rect('zone:b', 300, 0, 500, 200)]);
  installCar(s, 'V', {
    lastTs: 1,
    lastLat: LAT,
    lastLon: LON,
    tags: [],
    members: [{ fenceId: 'gone', inside: true, since: 0, dwellFired: false, streak: 0, seen: 0 }],
  });
  assert.deepEqual(fencesOf(s, 'V'), []);
  assert.equal(s.occupants.get('gone'), undefined);
});

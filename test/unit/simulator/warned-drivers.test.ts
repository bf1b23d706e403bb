import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCity } from '../../../road/city.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import {
  WarnedDrivers,
  type DriverWarning,
  type RerouteDecisionRecord,
  type RerouteOutcomeRecord,
  type RerouteRecord,
} from '../../../simulator/traffic/warned-drivers.js';

const net = generateCity({ seed: 7, sizeM: 1500 });

/** A model and a car whose route has at least 4 segments ahead, and the segment 2 ahead of it. */
function setup(): { model: TrafficModel; car: number; warned: string } {
  const model = new TrafficModel(net, { seed: 3, cars: 60 });
  model.step(20);
  for (let c = 0; c < model.carCount; c++) {
    const route = model.state.routes[c] as Int32Array;
    const idx = model.state.routeIdx[c] as number;
    if (route.length - idx >= 6) return { model, car: c, warned: net.segments[route[idx + 2] as number]?.id as string };
  }
  throw new Error('no car with a long route');
}

const warning = (car: number, segmentId: string | undefined, over: Partial<DriverWarning> = {}): DriverWarning => ({
  car,
  vin: `VIN${car}`,
  warningId: 'tj-1',
  warningType: 'traffic_jam',
  ...(segmentId !== undefined && { segmentId }),
  lat: 0,
  lon: 0,
  radiusM: 50,
  expired: false,
  ...over,
});

function runUntilOutcome(model: TrafficModel, drivers: WarnedDrivers, records: RerouteRecord[]): RerouteOutcomeRecord | undefined {
  for (let t = 0; t < 1800 && drivers.following > 0; t++) {
    model.step(1);
    drivers.afterTick();
    records.push(...drivers.takeRecords());
  }
  return records.find((r): r is RerouteOutcomeRecord => r.type === 'reroute_outcome');
}

test('share 1: a car warned of a segment ahead takes a detour around it; the decision and the time taken are recorded', () => {
  const { model, car, warned } = setup();
  const drivers = new WarnedDrivers(model, { seed: '7', share: 1, records: true });
  const before = model.state.routes[car] as Int32Array;
  drivers.receive(warning(car, warned));
  const after = model.state.routes[car] as Int32Array;
  assert.notEqual(after, before, 'a new route');
  const w = net.segmentIndexById.get(warned) as number;
  assert.ok(!after.includes(w), 'the detour avoids the warned segment');
  const records = drivers.takeRecords();
  const d = records[0] as RerouteDecisionRecord;
  assert.equal(d.type, 'reroute_decision');
  assert.equal(d.reason, 'rerouted');
  assert.equal(d.rerouted, true);
  assert.equal(d.segmentId, warned);
  assert.deepEqual(d.avoidSegmentIds[0], warned);
  assert.ok(d.expectedS !== null && d.expectedS > 0 && d.detourExpectedS !== null && d.detourExpectedS > 0);
  assert.ok(d.rejoinSegmentId !== null);
  assert.equal(d.decisionId, `VIN${car}:tj-1`);
  drivers.receive(warning(car, warned));
  assert.equal(drivers.takeRecords().length, 0, 'a redelivered warning is not a second decision');
  const o = runUntilOutcome(model, drivers, []);
  assert.ok(o !== undefined, 'the car reached the rejoin point');
  assert.equal(o.outcome, 'reached');
  assert.equal(o.rejoinSegmentId, d.rejoinSegmentId);
  assert.ok(o.actualS !== null && o.actualS > 0);
  assert.equal(o.savedS, Math.round(((d.expectedS as number) - (o.actualS as number)) * 10) / 10);
});

test('share 0: the driver stays on its route and is followed to the same point', () => {
  const { model, car, warned } = setup();
  const drivers = new WarnedDrivers(model, { seed: '7', share: 0, records: true });
  const before = model.state.routes[car] as Int32Array;
  drivers.receive(warning(car, warned));
  assert.equal(model.state.routes[car], before, 'same route');
  const d = drivers.takeRecords()[0] as RerouteDecisionRecord;
  assert.equal(d.reason, 'declined');
  assert.equal(d.rerouted, false);
  const o = runUntilOutcome(model, drivers, []);
  assert.ok(o !== undefined && o.rerouted === false && (o.outcome === 'reached' || o.outcome === 'left_route'));
});

test('onlyIfFaster: a drawn driver takes the detour only when it is expected to be faster', () => {
  const reasons: string[] = [];
  for (const seed of [3, 4, 5]) {
    const model = new TrafficModel(net, { seed, cars: 60 });
    model.step(20);
    const drivers = new WarnedDrivers(model, { seed: '7', share: 1, records: true, onlyIfFaster: true });
    for (let c = 0; c < model.carCount; c++) {
      const route = model.state.routes[c] as Int32Array;
      const idx = model.state.routeIdx[c] as number;
      if (route.length - idx >= 6) drivers.receive(warning(c, net.segments[route[idx + 2] as number]?.id as string));
    }
    for (const r of drivers.takeRecords()) {
      const d = r as RerouteDecisionRecord;
      reasons.push(d.reason);
      if (d.reason === 'rerouted') assert.ok((d.detourExpectedS as number) < (d.expectedS as number), JSON.stringify(d));
      if (d.reason === 'detour_slower') assert.ok((d.detourExpectedS as number) >= (d.expectedS as number) - 0.1, JSON.stringify(d));
    }
  }
  assert.ok(!reasons.includes('declined'), 'share 1: every driver is drawn');
  assert.ok(reasons.includes('detour_slower'), `some detours are slower (${reasons.join(',')})`);
});

test('warnings that are not for the route ahead, expired, or not a place change nothing and are recorded with the reason', () => {
  const { model, car } = setup();
  const drivers = new WarnedDrivers(model, { seed: '7', share: 1, records: true });
  const route = model.state.routes[car] as Int32Array;
  const idx = model.state.routeIdx[car] as number;
  const own = net.segments[route[idx] as number]?.id as string;
  const elsewhere = net.segments.find((s, i) => !route.includes(i))?.id as string;
  drivers.receive(warning(car, own, { warningId: 'a' }));
  drivers.receive(warning(car, elsewhere, { warningId: 'b' }));
  drivers.receive(warning(car, 'no-such-segment', { warningId: 'c' }));
  drivers.receive(warning(car, elsewhere, { warningId: 'd', expired: true }));
  drivers.receive(warning(car, elsewhere, { warningId: 'e', warningType: 'weather' }));
  drivers.receive(warning(car, undefined, { warningId: 'f', lat: 0, lon: 0 }));
  drivers.receive(warning(-1, own, { warningId: 'g' }));
  assert.equal(model.state.routes[car], route, 'no detour');
  const reasons = drivers.takeRecords().map((r) => (r as RerouteDecisionRecord).reason);
  assert.deepEqual(reasons, ['not_ahead', 'not_ahead', 'unknown_place', 'expired', 'not_a_place', 'unknown_place']);
  assert.equal(drivers.following, 0);
});

test('a warning without a segment id is placed by its position on the route ahead', () => {
  const { model, car, warned } = setup();
  const drivers = new WarnedDrivers(model, { seed: '7', share: 1, records: false });
  const start = net.segments[net.segmentIndexById.get(warned) as number]?.geometry[0] as readonly [number, number];
  drivers.receive(warning(car, undefined, { lon: start[0], lat: start[1] + 0.0001 })); // about 11 m off
  assert.equal(drivers.decisions.rerouted, 1);
  assert.equal(drivers.takeRecords().length, 0, 'records: false keeps none');
});

test('a warning id is remembered while the warning is valid and a while after, then forgotten: the memory stays bounded', () => {
  const { model, car } = setup();
  const drivers = new WarnedDrivers(model, { seed: '7', share: 1, records: true });
  const elsewhere = net.segments.find((s, i) => !(model.state.routes[car] as Int32Array).includes(i))?.id as string;
  drivers.receive(warning(car, elsewhere, { warningId: 'short', validForS: 30 }));
  drivers.receive(warning(car, elsewhere, { warningId: 'long', validForS: 900 }));
  drivers.receive(warning(car, elsewhere, { warningId: 'late', expired: true, validForS: 0 }));
  assert.equal(drivers.remembered, 3);
  assert.equal(drivers.takeRecords().length, 3);
  const advance = (s: number): void => {
    for (let i = 0; i < s; i++) {
      model.step(1);
      drivers.afterTick();
    }
  };
  advance(100);
  drivers.receive(warning(car, elsewhere, { warningId: 'short', validForS: 0 }));
  assert.equal(drivers.takeRecords().length, 0, 'a redelivery within the validity and the grace is dropped');
  advance(200); // past 30 s + the grace, and a sweep
  assert.equal(drivers.remembered, 1, 'only the long-lived warning is remembered');
  advance(900);
  assert.equal(drivers.remembered, 0);
});

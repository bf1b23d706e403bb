import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readVehicle } from '../../../simulator/vehicle/state.js';
import { tyrePressureKpa } from '../../../simulator/vehicle/thermal.js';
import { cityProfile, FakeTrace, findCar, OneCar } from './helpers.js';

/** A car that drives at `speedMps` for `drivingS` seconds, then parks (after 60 s still), with these fault rates. */
const faultyCar = (
  powertrain: 'ice' | 'bev',
  drivingS: number,
  speedMps: number,
  faults: { overheatPerDrivingHour: number; tyreLeakPerHour: number },
): OneCar => new OneCar(findCar(powertrain), new FakeTrace((t) => (t < drivingS ? speedMps : 0)), { faults, parkAfterS: 60 });

/** Steps the car a second at a time, calling `record` after each, until DTC `code` is raised: its second, or -1. */
function secondOfCode(sim: OneCar, code: string, maxS: number, record: () => void): number {
  for (let t = 0; t < maxS; t++) {
    sim.step(1);
    record();
    if (sim.events.some((e) => e.type === 'dtc' && e.code === code)) return t;
  }
  return -1;
}

test('overheating: the coolant climbs for minutes before P0217, which clears once the engine cooled', () => {
  const sim = faultyCar('ice', 3600, 14, { overheatPerDrivingHour: 30, tyreLeakPerHour: 0 });
  const coolant: number[] = [];
  const codeAt = secondOfCode(sim, 'P0217', 3600, () => coolant.push(readVehicle(sim.state, 0).coolantC));
  assert.ok(codeAt > 0, 'P0217 was raised');
  const dtc = sim.events.find((e) => e.type === 'dtc');
  assert.ok(dtc?.type === 'dtc' && dtc.active && dtc.severity === 'critical');
  // find where the climb started: last time the coolant was at its thermostat level
  let start = codeAt;
  while (start > 0 && (coolant[start] ?? 0) > 97) start--;
  const climbS = codeAt - start;
  assert.ok(climbS >= 120 && climbS <= 400, `climbed for ${climbS} s before the code`);
  for (let t = start + 1; t <= codeAt; t++) assert.ok((coolant[t] ?? 0) >= (coolant[t - 1] ?? 0), 'monotone climb');
  assert.ok((coolant[codeAt] ?? 0) >= 115);
  sim.run(3600 - codeAt + 2400);
  const last = sim.events.filter((e) => e.type === 'dtc').at(-1);
  assert.ok(last?.type === 'dtc' && last.code === 'P0217' && !last.active, 'cleared after parking and cooling');
  assert.ok(readVehicle(sim.state, 0).coolantC < 95);
});

test('a slow leak: tyre pressure drops before C0750; fixed after a long stop', () => {
  const sim = faultyCar('bev', 7200, 12, { overheatPerDrivingHour: 0, tyreLeakPerHour: 20 });
  const pressures: number[] = [];
  const codeAt = secondOfCode(sim, 'C0750', 7200, () => {
    const s = readVehicle(sim.state, 0);
    pressures.push(Math.min(...s.tyreColdKpa.map((c) => tyrePressureKpa(c, s.tyreTempC))));
  });
  assert.ok(codeAt > 0, 'C0750 was raised');
  const nominal = sim.car.tyreKpa;
  assert.ok((pressures[codeAt] ?? 0) < 0.75 * nominal);
  const minutesBefore = pressures.slice(Math.max(0, codeAt - 300), codeAt);
  assert.ok((minutesBefore[0] ?? 0) > (minutesBefore.at(-1) ?? 0), 'pressure was falling before the code');
  sim.run(7200 - codeAt + 1900);
  const last = sim.events.filter((e) => e.type === 'dtc').at(-1);
  assert.ok(last?.type === 'dtc' && last.code === 'C0750' && !last.active);
});

test('low charge raises low_battery once; low fuel raises low_fuel once', () => {
  for (const kind of ['bev', 'ice'] as const) {
    const sim = new OneCar(findCar(kind), new FakeTrace(cityProfile(20, 60)));
    sim.state.energy[0] = sim.car.capacity * 0.104;
    sim.run(3000);
    const low = sim.events.filter((e) => e.type === 'low_battery' || e.type === 'low_fuel');
    assert.equal(low.length, 1, `${kind}: one low-energy event`);
    const e = low[0];
    if (kind === 'bev') assert.ok(e?.type === 'low_battery' && e.battery === 'traction' && e.socPct < 10);
    else assert.ok(e?.type === 'low_fuel' && e.fuelPct < 10 && (e.rangeKm ?? 0) > 0);
  }
});

test('harsh braking is reported once per braking', () => {
  const sim = new OneCar(findCar('ice'), new FakeTrace((t) => (t < 20 ? 15 : t < 23 ? 15 - (t - 20) * 5 : 0)));
  sim.run(40);
  const h = sim.events.filter((e) => e.type === 'harsh_braking');
  assert.equal(h.length, 1);
  assert.ok(h[0]?.type === 'harsh_braking' && h[0].decelMs2 === 5 && h[0].speedKmh === 54);
});

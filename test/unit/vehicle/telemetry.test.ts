import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTelemetry, validateStatus, validateEvent } from '../../../protocol/messages.js';
import { decode, encode } from '../../../protocol/codec/index.js';
import { Rng } from '../../../core/random.js';
import { toTelemetry, nextTelemetrySeq } from '../../../simulator/vehicle/telemetry.js';
import { toEvent } from '../../../simulator/vehicle/events.js';
import { birthMessage, lastWill, offlineMessage } from '../../../simulator/vehicle/status.js';
import { readVehicle } from '../../../simulator/vehicle/state.js';
import { telemetryIntervalMs, vehicleConfig } from '../../../simulator/vehicle/config.js';
import { isV2xError } from '../../../core/errors.js';
import { cityProfile, FakeTrace, findCar, OneCar, T0 } from './helpers.js';

test('odometer grows by the integral of speed over a drive', () => {
  const car = findCar('ice');
  const sim = new OneCar(car, new FakeTrace(cityProfile()));
  const start = readVehicle(sim.state, 0).odometerKm;
  let integral = 0;
  let v0 = sim.trace.kin.speedMps;
  for (let t = 0; t < 1800; t++) {
    sim.step(1);
    const v1 = sim.trace.kin.speedMps;
    integral += (v0 + v1) / 2;
    v0 = v1;
  }
  const grown = (readVehicle(sim.state, 0).odometerKm - start) * 1000;
  assert.ok(integral > 10_000, `drove ${integral} m`);
  // the first step only sets the reference: at most one step's distance short
  assert.ok(Math.abs(grown - integral) < 15, `odometer grew ${grown} m, integral of speed ${integral} m`);
  const msg = toTelemetry(car, sim.state, 0, sim.trace.kin, 0, sim.nowMs, { gpsNoiseM: 0, rng: new Rng(1) });
  assert.ok(Math.abs(msg.odometerKm - (car.initialOdometerKm + integral / 1000)) < 0.11);
});

test('an EV loses charge with distance, a combustion car fuel; consumption is plausible', () => {
  for (const kind of ['bev', 'ice'] as const) {
    const car = findCar(kind);
    const sim = new OneCar(car, new FakeTrace(cityProfile()));
    const e0 = readVehicle(sim.state, 0).energy;
    let lastKm = readVehicle(sim.state, 0).odometerKm;
    let lastE = e0;
    for (let lap = 0; lap < 10; lap++) {
      sim.run(360);
      const s = readVehicle(sim.state, 0);
      assert.ok(s.odometerKm > lastKm && s.energy < lastE, `${kind}: energy falls as distance grows`);
      lastKm = s.odometerKm;
      lastE = s.energy;
    }
    const s = readVehicle(sim.state, 0);
    const km = s.odometerKm - car.initialOdometerKm;
    const per100 = ((e0 - s.energy) / km) * 100;
    const [lo, hi] = kind === 'bev' ? [10, 25] : [4, 12];
    assert.ok(per100 > lo && per100 < hi, `${kind} city consumption ${per100.toFixed(2)} per 100 km`);
    assert.ok(Math.abs(s.per100Km - per100) / per100 < 0.35, `range estimate uses ${s.per100Km} vs measured ${per100}`);
    const msg = toTelemetry(car, sim.state, 0, sim.trace.kin, 0, sim.nowMs, { gpsNoiseM: 0, rng: new Rng(1) });
    if (kind === 'bev') {
      assert.equal(msg.fuelPct, undefined);
      assert.equal(msg.rpm, undefined);
      assert.ok(msg.socPct !== undefined && Math.abs(msg.socPct - (s.energy / car.capacity) * 100) < 0.01);
    } else {
      assert.equal(msg.socPct, undefined);
      assert.ok(msg.fuelPct !== undefined && msg.rpm !== undefined && msg.coolantC !== undefined);
    }
    assert.ok(msg.rangeKm !== undefined && msg.rangeKm > 0);
  }
});

test('regenerative braking raises the SoC slightly; a combustion car burns nothing braking', () => {
  const braking = (t: number): number => (t < 30 ? 25 : Math.max(0, 25 - (t - 30) * 2.5));
  const ev = new OneCar(findCar('bev'), new FakeTrace(braking));
  ev.run(31);
  const before = readVehicle(ev.state, 0).energy;
  ev.run(8);
  const after = readVehicle(ev.state, 0).energy;
  assert.ok(after > before, `SoC rose while braking: ${before} -> ${after}`);
  assert.ok(after - before < 0.2, 'slightly: a fraction of the kinetic energy');
  const ice = new OneCar(findCar('ice'), new FakeTrace(braking));
  ice.run(31);
  const f0 = readVehicle(ice.state, 0).energy;
  ice.run(5);
  assert.equal(readVehicle(ice.state, 0).energy, f0, 'overrun fuel cut-off');
});

test('gear, rpm, coolant warm-up and lights follow the drive', () => {
  const car = findCar('ice');
  const sim = new OneCar(car, new FakeTrace(cityProfile(16, 120)));
  sim.run(50);
  const s = readVehicle(sim.state, 0);
  assert.equal(s.gear, 'D');
  assert.ok(s.rpm > 1100 && s.rpm < 3600, `rpm ${s.rpm} at 58 km/h`);
  const c1 = s.coolantC;
  sim.run(600);
  const c2 = readVehicle(sim.state, 0).coolantC;
  assert.ok(c1 < c2 && c2 > 85 && c2 < 100, `coolant warms up: ${c1} -> ${c2}`);
  assert.equal(readVehicle(sim.state, 0).lights, 'off', 'daylight');
  const night = new OneCar(car, new FakeTrace(cityProfile()));
  night.nowMs = Date.UTC(2026, 0, 15, 22, 0, 0);
  night.run(20);
  assert.equal(readVehicle(night.state, 0).lights, 'low');
});

test('a car that stops long enough parks: ignition off, gear P, door, lock events in order', () => {
  const sim = new OneCar(findCar('bev'), new FakeTrace((t) => (t < 60 ? 10 : 0)), { parkAfterS: 120 });
  sim.run(400);
  const types = sim.events.map((e) =>
    e.type === 'door' ? `door:${e.open}` : e.type === 'ignition' ? `ign:${e.on}` : e.type === 'lock' ? `lock:${e.locked}` : e.type,
  );
  assert.deepEqual(types, ['lock:false', 'door:true', 'door:false', 'ign:true', 'ign:false', 'door:true', 'door:false', 'lock:true']);
  const s = readVehicle(sim.state, 0);
  assert.equal(s.ignition, false);
  assert.equal(s.gear, 'P');
  assert.equal(s.locked, true);
});

test("a replayed car (parking 'trace') queued for 20 min keeps its ignition on: the trace, not the rule, decides", () => {
  const sim = new OneCar(findCar('bev'), new FakeTrace((t) => (t < 60 ? 10 : 0)), { parkAfterS: 120, parking: 'trace' });
  sim.run(1200);
  assert.equal(readVehicle(sim.state, 0).ignition, true);
  assert.ok(!sim.events.some((e) => e.type === 'ignition' && !e.on), 'no ignition-off event');
  assert.throws(() => vehicleConfig({ parking: 'sometimes' as 'still' }), /vehicle\.parking must be 'still' or 'trace'/);
});

test('every telemetry, event and status message validates and round-trips through both codecs', () => {
  for (const kind of ['bev', 'ice'] as const) {
    const car = findCar(kind);
    const sim = new OneCar(car, new FakeTrace(cityProfile()), { parkAfterS: 10 });
    const rng = new Rng(3);
    for (let t = 0; t < 300; t++) {
      sim.step(1);
      const msg = toTelemetry(car, sim.state, 0, sim.trace.kin, nextTelemetrySeq(sim.state, 0), sim.nowMs, {
        gpsNoiseM: 4,
        rng,
        detail: t % 2 === 0,
      });
      const r = validateTelemetry(msg);
      assert.ok(r.ok, r.ok ? '' : r.issue.message);
      for (const codec of ['json', 'binary'] as const) assert.deepEqual(decode('telemetry', encode('telemetry', msg, codec)), msg);
    }
    assert.ok(sim.events.length > 4);
    for (const d of sim.events) {
      const e = toEvent(car, sim.state, 0, d, sim.nowMs, sim.trace.kin);
      const r = validateEvent(e);
      assert.ok(r.ok, r.ok ? '' : r.issue.message);
      assert.deepEqual(decode('event', encode('event', e, 'binary')), e);
    }
    for (const st of [
      birthMessage(car, T0, T0 + 20, 'binary'),
      birthMessage(car, T0, T0),
      lastWill(car, T0),
      offlineMessage(car, T0, 'sleep'),
    ]) {
      const r = validateStatus(st);
      assert.ok(r.ok, r.ok ? '' : r.issue.message);
    }
  }
});

test('GPS noise is seeded gaussian with the configured size; sequence numbers count per car', () => {
  const car = findCar('ice');
  const sim = new OneCar(car, new FakeTrace(() => 0));
  sim.step(1);
  const rng = new Rng(11);
  const errs: number[] = [];
  for (let k = 0; k < 2000; k++) {
    const m = toTelemetry(car, sim.state, 0, sim.trace.kin, nextTelemetrySeq(sim.state, 0), sim.nowMs, { gpsNoiseM: 5, rng });
    errs.push((m.gps.lat - sim.trace.kin.lat) * 111_195);
    assert.equal(m.seq, k);
  }
  const sd = Math.sqrt(errs.reduce((s, e) => s + e * e, 0) / errs.length);
  assert.ok(sd > 4.5 && sd < 5.5, `sd ${sd}`);
  const exact = toTelemetry(car, sim.state, 0, sim.trace.kin, 0, sim.nowMs, { gpsNoiseM: 0, rng });
  assert.equal(exact.gps.lat, Math.round(sim.trace.kin.lat * 1e7) / 1e7);
  assert.equal(exact.gps.accuracyM, undefined);
});

test('vehicle config: defaults, and bad values or unknown keys are refused', () => {
  const c = vehicleConfig({ rates: { telemetryHz: 2 } });
  assert.equal(c.rates.telemetryHz, 2);
  assert.equal(c.rates.detailEvery, 1);
  assert.equal(telemetryIntervalMs(c), 500);
  assert.equal(telemetryIntervalMs(vehicleConfig({ rates: { telemetryHz: 0.2 } })), 5000);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.rates));
  assert.throws(
    () => vehicleConfig({ gpsNoiseM: -1 }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /gpsNoiseM/.test(e.message),
  );
  assert.throws(
    () => vehicleConfig({ rates: { telemetryHz: 0 } }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /telemetryHz/.test(e.message),
  );
  assert.throws(
    () => vehicleConfig({ bogus: 1 } as never),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /bogus/.test(e.message),
  );
});

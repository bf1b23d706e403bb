import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTelemetry, validateEvent } from '../../../protocol/messages.js';
import type { Telemetry } from '../../../protocol/schemas/telemetry.js';
import type { VehicleEvent } from '../../../protocol/schemas/events.js';
import { generateCity } from '../../../road/city.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import { emptyKinematics } from '../../../simulator/traffic/kinematics.js';
import { carRng, generateFleet } from '../../../simulator/fleet/generate.js';
import type { Rng } from '../../../core/random.js';
import { vehicleConfig } from '../../../simulator/vehicle/config.js';
import { environmentAt } from '../../../simulator/vehicle/environment.js';
import type { EventDraft } from '../../../simulator/vehicle/events.js';
import { toEvent } from '../../../simulator/vehicle/events.js';
import { initVehicle, VehicleState } from '../../../simulator/vehicle/state.js';
import { stepVehicle } from '../../../simulator/vehicle/step.js';
import { nextTelemetrySeq, toTelemetry } from '../../../simulator/vehicle/telemetry.js';
import { T0 } from './helpers.js';

const city = generateCity({ seed: 4, sizeM: 1500 });

/** Runs `cars` cars of fleet `seed` on the real traffic model; the first `count` telemetry messages and all events. */
function run(seed: number, cars: number, count: number, t0: number, tsShift = 0): { telemetry: Telemetry[]; events: VehicleEvent[] } {
  const fleet = generateFleet(cars, { seed });
  const traffic = new TrafficModel(city, { seed, cars });
  const state = new VehicleState(cars);
  const config = vehicleConfig({ gpsNoiseM: 3, parkAfterS: 20, faults: { overheatPerDrivingHour: 50, tyreLeakPerHour: 50 } });
  const rngs: Rng[] = fleet.map((c) => carRng(c).fork('state'));
  const gps: Rng[] = fleet.map((c) => carRng(c).fork('gps'));
  const kin = emptyKinematics();
  const env0 = environmentAt(t0, 48.137, 11.575);
  fleet.forEach((c, i) => initVehicle(state, i, c, rngs[i] as Rng, env0.ambientC));
  const telemetry: Telemetry[] = [];
  const events: VehicleEvent[] = [];
  const drafts: EventDraft[] = [];
  for (let t = 1; telemetry.length < count; t++) {
    traffic.step(1);
    const now = t0 + t * 1000;
    const env = environmentAt(now, 48.137, 11.575);
    for (let i = 0; i < cars && telemetry.length < count; i++) {
      const car = fleet[i];
      if (car === undefined) continue;
      traffic.readCar(i, kin);
      drafts.length = 0;
      stepVehicle(state, i, car, kin, 1, env, rngs[i] as Rng, config, drafts);
      for (const d of drafts) events.push(toEvent(car, state, i, d, now + tsShift, kin));
      telemetry.push(
        toTelemetry(car, state, i, kin, nextTelemetrySeq(state, i), now + tsShift + (i % 7), {
          gpsNoiseM: config.gpsNoiseM,
          rng: gps[i] as Rng,
        }),
      );
    }
  }
  return { telemetry, events };
}

const withoutTs = <T extends { ts: number }>(xs: readonly T[]): Omit<T, 'ts'>[] => xs.map(({ ts: _ts, ...rest }) => rest);

test('same seed: the same fleet and the same first 1,000 telemetry messages apart from timestamps (real traffic model)', () => {
  const a = run(21, 40, 1000, T0);
  const b = run(21, 40, 1000, T0, 12_345);
  assert.notEqual(a.telemetry[5]?.ts, b.telemetry[5]?.ts);
  assert.equal(a.telemetry.length, 1000);
  assert.deepEqual(withoutTs(a.telemetry), withoutTs(b.telemetry));
  assert.deepEqual(withoutTs(a.events), withoutTs(b.events));
  const c = run(22, 40, 1000, T0);
  assert.notDeepEqual(withoutTs(c.telemetry), withoutTs(a.telemetry));
  for (const m of a.telemetry) {
    const r = validateTelemetry(m);
    assert.ok(r.ok, r.ok ? '' : r.issue.message);
  }
  for (const e of a.events) {
    const r = validateEvent(e);
    assert.ok(r.ok, r.ok ? '' : r.issue.message);
  }
  // per-car sequence numbers count from 0 without gaps
  const bySeq = new Map<string, number>();
  for (const m of a.telemetry) {
    assert.equal(m.seq, bySeq.get(m.vin) ?? 0);
    bySeq.set(m.vin, m.seq + 1);
  }
  assert.ok(
    a.telemetry.some((m) => m.gps.speedKmh > 10),
    'cars move',
  );
});

test('the odometer follows the traffic model distance on a real network', () => {
  const { telemetry } = run(8, 20, 20 * 300, T0);
  const first = new Map<string, Telemetry>();
  const last = new Map<string, Telemetry>();
  for (const m of telemetry) {
    if (!first.has(m.vin)) first.set(m.vin, m);
    last.set(m.vin, m);
  }
  let moved = 0;
  for (const [vin, f] of first) {
    const l = last.get(vin);
    assert.ok(l);
    assert.ok(l.odometerKm >= f.odometerKm);
    if (l.odometerKm - f.odometerKm > 0.5) moved++;
  }
  assert.ok(moved >= 10, `${moved} cars drove more than 500 m in 5 minutes`);
});

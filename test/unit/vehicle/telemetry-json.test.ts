import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { decode } from '../../../protocol/codec/index.js';
import { GpsError } from '../../../simulator/vehicle/gps-error.js';
import { F, GEAR_LETTERS, LIGHT_VALUES } from '../../../simulator/vehicle/state.js';
import { telemetryJson, telemetryPayload, toTelemetry, type TelemetryOptions } from '../../../simulator/vehicle/telemetry.js';
import { cityProfile, FakeTrace, findCar, OneCar } from './helpers.js';

/** Twin sources of GPS error (each form draws its own), as a car's are in the simulator. */
function twins(kind: 'correlated' | 'white' | 'exact', detail: boolean): [TelemetryOptions, TelemetryOptions] {
  const make = (): TelemetryOptions => {
    const rng = new Rng('gps');
    if (kind === 'white') return { gpsNoiseM: 3, rng, detail };
    if (kind === 'exact') return { gpsNoiseM: 0, rng, detail };
    return { gpsNoiseM: 0, rng, detail, gpsError: new GpsError(1, { driftM: 2, driftTauS: 60, noiseM: 0.3 }) };
  };
  return [make(), make()];
}

test('telemetryJson writes the very characters of JSON.stringify(toTelemetry(...)): both powertrains, every GPS error, flags, detail on and off', () => {
  const shake = new Rng('flags');
  let compared = 0;
  for (const powertrain of ['bev', 'ice'] as const) {
    for (const gps of ['correlated', 'white', 'exact'] as const) {
      for (const detail of [true, false]) {
        const car = findCar(powertrain);
        const sim = new OneCar(car, new FakeTrace(cityProfile()));
        const [a, b] = twins(gps, detail);
        for (let t = 0; t < 300; t++) {
          sim.step(1);
          if (t % 7 === 0) {
            // states a drive may not reach: doors, trunk, climate, lights and gears of every kind
            sim.state.flags[0] = shake.int(0, 255) | ((sim.state.flags[0] as number) & F.IGNITION);
            sim.state.lights[0] = shake.int(0, LIGHT_VALUES.length - 1);
            sim.state.gear[0] = shake.int(0, GEAR_LETTERS.length - 1);
          }
          const ts = sim.nowMs + (t % 3) * 0.4; // a fractional due time is rounded alike
          const text = telemetryJson(car, sim.state, 0, sim.trace.kin, t * 1000 + 4_294_967_000, ts, a);
          const expected = JSON.stringify(toTelemetry(car, sim.state, 0, sim.trace.kin, t * 1000 + 4_294_967_000, ts, b));
          assert.equal(text, expected);
          compared++;
        }
      }
    }
  }
  assert.equal(compared, 2 * 3 * 2 * 300);
});

test('the JSON payload is valid telemetry, and the binary one decodes to the same message', () => {
  const car = findCar('ice');
  const sim = new OneCar(car, new FakeTrace(cityProfile()));
  sim.run(120);
  const [a, b] = twins('correlated', true);
  const json = telemetryPayload('json', car, sim.state, 0, sim.trace.kin, 5, sim.nowMs, a);
  const binary = telemetryPayload('binary', car, sim.state, 0, sim.trace.kin, 5, sim.nowMs, b);
  assert.equal(typeof json, 'string');
  assert.ok(Buffer.isBuffer(binary));
  assert.deepEqual(decode('telemetry', Buffer.from(json as string)), decode('telemetry', binary as Buffer));
});

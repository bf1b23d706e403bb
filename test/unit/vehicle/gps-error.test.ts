import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { mPerDegLon, M_PER_DEG } from '../../../road/geo.js';
import { GpsError, type GpsErrorConfig } from '../../../simulator/vehicle/gps-error.js';
import { toTelemetry, nextTelemetrySeq } from '../../../simulator/vehicle/telemetry.js';
import { FakeTrace, findCar, OneCar } from './helpers.js';

const DEFAULTS: GpsErrorConfig = { driftM: 2, driftTauS: 60, noiseM: 0.3 }; // sim.gpsDriftM, gpsDriftTauS, gpsNoiseM

/** An hour of 1 Hz errors of `cars` cars: east components, per car. */
function series(config: GpsErrorConfig, cars: number, seconds: number): number[][] {
  const model = new GpsError(cars, config);
  const out = { east: 0, north: 0 };
  return Array.from({ length: cars }, (_, i) => {
    const rng = new Rng(`gps-test:${i}`);
    return Array.from({ length: seconds }, (_, s) => model.sample(i, s * 1000, rng, out).east);
  });
}

test("GPS error: a parked car's fixes stay within the configured radius (and within a few metres by default)", () => {
  const car = findCar('ice');
  const sim = new OneCar(car, new FakeTrace(() => 0)); // speed 0: parked
  sim.step(1);
  const model = new GpsError(1, DEFAULTS);
  const rng = new Rng(5);
  const radius = model.radiusM();
  assert.ok(radius < 7, `radius ${radius} m`);
  const { lat, lon } = sim.trace.kin;
  let worst = 0;
  let prev: [number, number] | undefined;
  let worstStep = 0;
  let stepSum = 0;
  for (let s = 0; s < 3600; s++) {
    const m = toTelemetry(car, sim.state, 0, sim.trace.kin, nextTelemetrySeq(sim.state, 0), sim.nowMs + s * 1000, {
      gpsNoiseM: 0,
      rng,
      gpsError: model,
    });
    const north = (m.gps.lat - lat) * M_PER_DEG;
    const east = (m.gps.lon - lon) * mPerDegLon(lat);
    worst = Math.max(worst, Math.hypot(east, north));
    if (prev !== undefined) {
      const step = Math.hypot(east - prev[0], north - prev[1]);
      worstStep = Math.max(worstStep, step);
      stepSum += step;
    }
    prev = [east, north];
    assert.equal(m.gps.accuracyM, Math.round(model.accuracyM() * 10) / 10);
  }
  assert.ok(worst <= radius + 0.05, `furthest fix ${worst.toFixed(2)} m, radius ${radius} m`);
  assert.ok(worst > 1, `the error wanders (furthest ${worst.toFixed(2)} m)`);
  // independent 3 m white noise made a parked car jump about 5 m a second; now it creeps
  assert.ok(stepSum / 3599 < 1, `mean move between consecutive fixes ${(stepSum / 3599).toFixed(2)} m`);
  assert.ok(worstStep < 4, `largest move between consecutive fixes ${worstStep.toFixed(2)} m`);
});

test('GPS error: the autocorrelation at 1 s is high, at 5 correlation times low; the size is the configured one', () => {
  const all = series(DEFAULTS, 40, 3600);
  let c0 = 0;
  let c1 = 0;
  let c300 = 0;
  let n0 = 0;
  let n1 = 0;
  let n300 = 0;
  for (const xs of all) {
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k] as number;
      c0 += x * x;
      n0++;
      if (k >= 1) {
        c1 += x * (xs[k - 1] as number);
        n1++;
      }
      if (k >= 300) {
        c300 += x * (xs[k - 300] as number);
        n300++;
      }
    }
  }
  const variance = c0 / n0;
  const r1 = c1 / n1 / variance;
  const r300 = c300 / n300 / variance;
  const expected = (DEFAULTS.driftM ** 2 * Math.exp(-1 / DEFAULTS.driftTauS)) / (DEFAULTS.driftM ** 2 + DEFAULTS.noiseM ** 2);
  assert.ok(r1 > 0.9, `autocorrelation at 1 s ${r1.toFixed(3)}`);
  assert.ok(Math.abs(r1 - expected) < 0.03, `autocorrelation at 1 s ${r1.toFixed(3)}, Gauss-Markov ${expected.toFixed(3)}`);
  assert.ok(Math.abs(r300) < 0.15, `autocorrelation at 300 s ${r300.toFixed(3)}`);
  const sd = Math.sqrt(variance);
  const want = Math.hypot(DEFAULTS.driftM, DEFAULTS.noiseM);
  assert.ok(Math.abs(sd - want) / want < 0.15, `sd per axis ${sd.toFixed(2)} m, configured ${want.toFixed(2)} m`);
});

test('GPS error: same seed, same errors; no drift and no noise is exact; bad settings are refused', () => {
  assert.deepEqual(series(DEFAULTS, 2, 50), series(DEFAULTS, 2, 50));
  const exact = series({ driftM: 0, driftTauS: 60, noiseM: 0 }, 1, 10)[0] as number[];
  assert.deepEqual(exact, Array(10).fill(0));
  // white noise only: no memory from one fix to the next
  const white = series({ driftM: 0, driftTauS: 60, noiseM: 1 }, 1, 2000)[0] as number[];
  const r1 = white.slice(1).reduce((s, x, k) => s + x * (white[k] as number), 0) / white.reduce((s, x) => s + x * x, 0);
  assert.ok(Math.abs(r1) < 0.1, `white noise autocorrelation ${r1.toFixed(3)}`);
  assert.throws(() => new GpsError(1, { driftM: 1, driftTauS: 0, noiseM: 0 }), /driftTauS/);
  assert.throws(() => new GpsError(1, { driftM: -1, driftTauS: 1, noiseM: 0 }), /driftM/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStages } from '../../../loadtest/scenario/stages.js';
import { rampLevels } from '../../../loadtest/scenario/ramp-stages.js';
import { unitScenario } from './fixtures.js';

test('planStages ramps linearly, holds and ramps down', () => {
  const sc = unitScenario({
    stages: [
      { duration: '2m', target: 100 },
      { duration: '10m', target: 100, rateHz: 2 },
      { duration: '1m', target: 0 },
    ],
    profile: { telemetryHz: 0.5 },
  });
  const plan = planStages(sc);
  assert.deepEqual(plan(0), { targetCars: 0, rateHz: 0.5, stage: 0, done: false });
  assert.equal(plan(60_000).targetCars, 50);
  assert.equal(plan(119_999).targetCars, 100);
  assert.deepEqual(plan(120_000), { targetCars: 100, rateHz: 2, stage: 1, done: false });
  assert.equal(plan(600_000).targetCars, 100);
  assert.equal(plan(720_000 + 30_000).targetCars, 50);
  assert.equal(plan(720_000 + 30_000).rateHz, 0.5);
  assert.deepEqual(plan(780_000), { targetCars: 0, rateHz: 0.5, stage: 3, done: true });
  assert.equal(plan(-5).targetCars, 0);
  assert.equal(sc.totalMs, 780_000);
});

test('planStages: a zero-length stage jumps to its target', () => {
  const plan = planStages(
    unitScenario({
      stages: [
        { duration: 0, target: 50 },
        { duration: '10s', target: 50 },
      ],
    }),
  );
  assert.equal(plan(0).targetCars, 50);
  assert.equal(plan(0).stage, 1);
});

test('ramp-to-break stages: ramp and hold per level, last level is maxCars', () => {
  const sc = unitScenario({
    stages: undefined,
    fleet: { size: 3500 },
    rampToBreak: { startCars: 1000, stepCars: 1000, maxCars: 3500, rampDuration: '10s', holdDuration: '20s', settleDuration: '5s' },
  });
  assert.ok(sc.rampToBreak);
  assert.deepEqual(rampLevels(sc.rampToBreak), [1000, 2000, 3000, 3500]);
  assert.equal(sc.stages.length, 8);
  assert.equal(sc.totalMs, 4 * 30_000);
  const plan = planStages(sc);
  assert.equal(plan(5_000).targetCars, 500);
  assert.equal(plan(20_000).targetCars, 1000);
  assert.equal(plan(35_000).targetCars, 1500);
  assert.equal(plan(119_000).targetCars, 3500);
});

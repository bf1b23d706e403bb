import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connectivity } from '../../../simulator/runtime/connectivity.js';
import { DEFAULT_VEHICLE_CONFIG } from '../../../simulator/vehicle/config.js';

const MIN = 60_000;

test('a parked car sleeps after 10 minutes, checks in on schedule, and wakes when it drives off', () => {
  const c = new Connectivity(1, { seedHash: 1, sleep: DEFAULT_VEHICLE_CONFIG.sleep, holesPerHour: 0, holeS: [5, 60] });
  assert.equal(c.sleepAction(0, 0, true, 0), 'none', 'driving: awake');
  assert.equal(c.sleepAction(0, 0, false, 1 * MIN), 'none', 'just parked');
  assert.equal(c.sleepAction(0, 0, false, 5 * MIN), 'none', 'not yet');
  assert.equal(c.sleepAction(0, 0, false, 11 * MIN + 1), 'disconnect');
  assert.equal(c.isAsleep(0), true);
  assert.equal(c.asleep, 1);
  // check-in within 5-15 minutes
  let t = 11 * MIN;
  let action = 'none';
  while (action === 'none' && t < 40 * MIN) action = c.sleepAction(0, 0, false, (t += 1000));
  assert.equal(action, 'connect');
  assert.ok(t >= 16 * MIN && t <= 27 * MIN, `checked in at ${t / MIN} min`);
  assert.equal(c.isAsleep(0), false);
  assert.equal(c.sleepAction(0, 0, false, t + 31_000), 'disconnect', 'back to sleep after the check-in');
  assert.equal(c.sleepAction(0, 0, true, t + 60_000), 'connect', 'ignition on: wake for good');
  assert.equal(c.asleep, 0);
});

test('no sleep config: never sleeps; coverage holes follow the rate', () => {
  const c = new Connectivity(1, { seedHash: 7, sleep: undefined, holesPerHour: 36, holeS: [5, 60] });
  assert.equal(c.sleepAction(0, 0, false, 60 * MIN), 'none');
  let holes = 0;
  for (let s = 0; s < 100_000; s++) {
    const ms = c.holeMs(3, s);
    if (ms > 0) {
      holes++;
      assert.ok(ms >= 5000 && ms <= 60_000);
    }
  }
  assert.ok(holes > 850 && holes < 1150, `${holes} holes in 100,000 s at 36/h`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { vehicleConfig } from '../../../simulator/vehicle/config.js';
import { AWAKE, planSleep, type SleepState } from '../../../simulator/vehicle/sleep.js';

const cfg = vehicleConfig().sleep;
const MIN = 60_000;

test('a parked car sleeps after 10 minutes, checks in every 5-15 minutes for 30 s, and wakes for a trip', () => {
  const rng = new Rng(1);
  const parkedAt = 1_000_000;
  let s: SleepState = AWAKE;
  let d = planSleep(s, { ignition: false, parkedForMs: 3 * MIN, nowMs: parkedAt + 3 * MIN }, rng, cfg);
  assert.equal(d.action, 'none');
  assert.equal(d.nextCheckMs, parkedAt + 10 * MIN);
  d = planSleep(s, { ignition: false, parkedForMs: 10 * MIN, nowMs: d.nextCheckMs }, rng, cfg);
  assert.equal(d.action, 'disconnect');
  assert.equal(d.state.mode, 'asleep');
  const actions: string[] = [];
  let now = d.nextCheckMs;
  s = d.state;
  let lastSleep = parkedAt + 10 * MIN;
  for (let k = 0; k < 10; k++) {
    d = planSleep(s, { ignition: false, parkedForMs: now - parkedAt, nowMs: now }, rng, cfg);
    actions.push(d.action);
    if (d.action === 'connect') {
      const gap = now - lastSleep;
      assert.ok(gap >= 5 * MIN && gap <= 15 * MIN, `slept ${gap / MIN} min`);
      assert.equal(d.nextCheckMs - now, 30_000);
    } else lastSleep = now;
    s = d.state;
    now = d.nextCheckMs;
  }
  assert.deepEqual(actions, [
    'connect',
    'disconnect',
    'connect',
    'disconnect',
    'connect',
    'disconnect',
    'connect',
    'disconnect',
    'connect',
    'disconnect',
  ]);
  const asleep = s;
  const wake = planSleep(asleep, { ignition: true, parkedForMs: 0, nowMs: now + 1000 }, rng, cfg);
  assert.equal(wake.action, 'connect');
  assert.equal(wake.state.mode, 'awake');
  assert.equal(planSleep(AWAKE, { ignition: true, parkedForMs: 0, nowMs: now }, rng, cfg).action, 'none');
  // asked early, nothing changes
  assert.equal(planSleep(asleep, { ignition: false, parkedForMs: 0, nowMs: asleep.untilMs - 1 }, rng, cfg).action, 'none');
});

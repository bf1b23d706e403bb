import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyKinematics } from '../../../simulator/traffic/kinematics.js';
import { createSharedTraffic, RING } from '../../../simulator/runtime/shared-traffic.js';
import { SharedWorld } from '../../../simulator/runtime/shared-world.js';
import { TrafficPump } from '../../../simulator/runtime/traffic-pump.js';
import { World, type WorldSettings } from '../../../simulator/runtime/world.js';

const settings: WorldSettings = {
  seed: '9',
  cars: 300,
  city: 'builtin',
  scenario: '',
  parkShare: 0.5,
  initialParkedShare: 0.2,
  parkMinutes: [5, 45],
  traffic: 'fleet',
  rerouteShare: 0.3,
  rerouteWhen: 'always',
};
const fleet = (): World => new World(settings, { groundTruth: false, start: 0, end: settings.cars });

test('shared traffic: a reader sees, tick by tick, what a replica of the model computes', () => {
  const replica = fleet();
  const buffers = createSharedTraffic(settings.cars, 2);
  const pump = new TrafficPump(fleet(), buffers);
  const a = new SharedWorld(buffers, 0, 0); // cars 0..149
  const b = new SharedWorld(buffers, 150, 1); // cars 150..299
  assert.equal(a.tickMs, replica.tickMs);
  assert.deepEqual(a.anchor, replica.anchor);
  const want = emptyKinematics();
  const got = emptyKinematics();
  for (let t = 0; t < 40; t++) {
    for (const [w, start] of [
      [a, 0],
      [b, 150],
    ] as const) {
      for (const k of [0, 17, 149]) {
        replica.read(start + k, 0, want);
        w.read(k, 0, got);
        assert.deepEqual({ ...got, segmentId: '' }, { ...want, segmentId: '' }, `tick ${t}, car ${start + k}`);
        assert.equal(w.isParked(k), replica.isParked(start + k));
      }
    }
    while (pump.canStep() && pump.tick <= t + 1) pump.step();
    assert.equal(a.tick(), true);
    assert.equal(b.tick(), true);
    assert.equal(a.timeMs, (t + 1) * a.tickMs);
    replica.tick();
  }
});

test('shared traffic: the model runs at most RING-1 ticks ahead of the slowest reader; a reader waits for the model', () => {
  const buffers = createSharedTraffic(settings.cars, 2);
  const pump = new TrafficPump(fleet(), buffers);
  const fast = new SharedWorld(buffers, 0, 0);
  const slow = new SharedWorld(buffers, 150, 1);
  while (pump.canStep()) pump.step();
  assert.equal(pump.tick, RING - 1);
  for (let t = 0; t < RING - 1; t++) assert.equal(fast.tick(), true);
  assert.equal(fast.tick(), false, 'nothing published beyond the ring');
  assert.equal(pump.canStep(), false, 'the slow reader still reads tick 0');
  assert.equal(slow.tick(), true);
  assert.equal(pump.canStep(), true);
  pump.step();
  assert.equal(fast.tick(), true);
});

test('shared traffic: a speed cap written by a reader reaches the model at its next step', () => {
  const buffers = createSharedTraffic(settings.cars, 1);
  const world = fleet();
  const pump = new TrafficPump(world, buffers);
  const reader = new SharedWorld(buffers, 0, 0);
  reader.capSpeed(3, 10 / 3.6);
  reader.capSpeedOfFleetCar(200, 20 / 3.6);
  pump.step();
  // the model keeps caps as float32
  assert.equal(world.model.state.speedCap[3], Math.fround(10 / 3.6));
  assert.equal(world.model.state.speedCap[200], Math.fround(20 / 3.6));
  reader.capSpeed(3, 0);
  pump.step();
  assert.equal(world.model.state.speedCap[3], Number.POSITIVE_INFINITY);
});

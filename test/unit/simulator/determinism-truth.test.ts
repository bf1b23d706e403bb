import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCity } from '../../../road/city.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import type { SegmentTruthRecord } from '../../../simulator/traffic/ground-truth.js';
import { emptyKinematics } from '../../../simulator/traffic/kinematics.js';
import { distanceM } from '../../../road/geo.js';

const city = generateCity({ seed: 11, sizeM: 2000 });

test('the same seed gives identical positions after N steps, however time is chopped', () => {
  const a = new TrafficModel(city, { seed: 11, cars: 300, randomIncidents: { ratePerHour: 30 } });
  const b = new TrafficModel(city, { seed: 11, cars: 300, randomIncidents: { ratePerHour: 30 } });
  for (let i = 0; i < 120; i++) a.step(1);
  for (let i = 0; i < 480; i++) b.step(0.25);
  assert.equal(a.ticks, 240);
  assert.deepEqual(a.state.pos, b.state.pos);
  assert.deepEqual(a.state.speed, b.state.speed);
  assert.deepEqual(a.state.seg, b.state.seg);
  assert.deepEqual(a.takeRecords(), b.takeRecords());
  const c = new TrafficModel(city, { seed: 12, cars: 300 });
  c.step(120);
  assert.notDeepEqual(c.state.pos, a.state.pos);
});

test('ground truth: a record per segment every 10 s, with counts that match the cars', () => {
  const model = new TrafficModel(city, { seed: 3, cars: 400, startEpochMs: 1_700_000_000_000 });
  model.step(9.5);
  assert.equal(model.takeRecords().length, 0, 'nothing before the first 10 s');
  for (let w = 1; w <= 3; w++) {
    model.step(w === 1 ? 0.5 : 10);
    const records = model.takeRecords().filter((r): r is SegmentTruthRecord => r.type === 'segment');
    assert.equal(records.length, city.segments.length);
    let total = 0;
    for (const r of records) {
      assert.equal(r.t, 10 * w);
      assert.equal(r.timeMs, 1_700_000_000_000 + 10_000 * w);
      assert.equal(r.windowS, 10);
      const s = city.segmentIndexById.get(r.segmentId) ?? -1;
      assert.equal(r.count, model.carsOnSegment(s));
      if (r.meanSpeedMps === null) assert.equal(r.count, 0, 'no samples only when no car is there now or was in the window');
      else assert.ok(r.meanSpeedMps >= 0 && r.meanSpeedMps <= r.freeFlowMps * 1.25, `${r.segmentId} ${r.meanSpeedMps}`);
      total += r.count;
    }
    assert.equal(total, 400);
    assert.ok(JSON.parse(JSON.stringify(records[0])) as unknown);
  }
});

test('kinematics: positions on the road, heading along it, odometer the integral of speed', () => {
  const model = new TrafficModel(city, { seed: 5, cars: 50, laneWidthM: 0 });
  const k = emptyKinematics();
  const odo0 = Array.from({ length: 50 }, (_, i) => model.readCar(i, k).odometerM);
  const integral = new Float64Array(50);
  for (let tick = 0; tick < 240; tick++) {
    const v0 = Float64Array.from(model.state.speed.subarray(0, 50));
    model.step(0.5);
    for (let i = 0; i < 50; i++) integral[i] = (integral[i] as number) + (((v0[i] as number) + (model.state.speed[i] as number)) / 2) * 0.5;
  }
  for (let i = 0; i < 50; i++) {
    model.readCar(i, k);
    const seg = city.segments[k.segment];
    assert.ok(seg);
    const driven = k.odometerM - (odo0[i] as number);
    // the trapezoid integral matches except where a car stopped within a tick (ballistic stop)
    assert.ok(
      Math.abs(driven - (integral[i] as number)) <= Math.max(2, 0.03 * driven),
      `car ${i}: odometer ${driven} vs integral ${integral[i]}`,
    );
    // the position lies on the segment geometry at the car's offset
    const start = seg.geometry[0] as readonly [number, number];
    const end = seg.geometry[seg.geometry.length - 1] as readonly [number, number];
    const fromStart = distanceM(start[0], start[1], k.lon, k.lat);
    const toEnd = distanceM(end[0], end[1], k.lon, k.lat);
    assert.ok(fromStart + toEnd <= seg.lengthM + 2, `car ${i} is on its segment`);
    assert.ok(k.headingDeg >= 0 && k.headingDeg < 360);
    assert.ok(k.speedMps >= 0);
  }
  assert.throws(() => model.readCar(50, k), RangeError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCity } from '../../../road/city.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import { ParkingController } from '../../../simulator/runtime/parking.js';
import { NONE } from '../../../simulator/traffic/state.js';

const net = generateCity({ seed: 3, sizeM: 1500 });

function run(seed: number, seconds: number): { model: TrafficModel; parking: ParkingController; log: string[] } {
  const model = new TrafficModel(net, { seed, cars: 300, groundTruth: { records: false } });
  const parking = new ParkingController(model, { seed, share: 1, initialShare: 0.3, minutes: [1, 2] });
  const log: string[] = [];
  for (let t = 0; t < seconds * 2; t++) {
    model.step(0.5);
    parking.afterTick(model, Math.round(model.timeS * 1000));
    if (t % 20 === 0) log.push(`${parking.parked}:${parking.parkings}`);
  }
  return { model, parking, log };
}

test('a share of the fleet starts parked off the lane, standing still', () => {
  const model = new TrafficModel(net, { seed: 1, cars: 1000, groundTruth: { records: false } });
  const parking = new ParkingController(model, { seed: 1, share: 0.5, initialShare: 0.2, minutes: [5, 10] });
  assert.ok(parking.parked > 150 && parking.parked < 250, `${parking.parked} parked`);
  let inLanes = 0;
  for (let l = 0; l < model.state.laneCount; l++) inLanes += model.state.laneCars[l]!;
  assert.equal(inLanes, 1000 - parking.parked, 'parked cars are not in any lane');
  for (let c = 0; c < 1000; c++) {
    if (!parking.isParked(c)) continue;
    assert.equal(model.state.speed[c], 0);
    assert.equal(model.state.ahead[c], NONE);
    assert.equal(ParkingController.offLane(model, c), true);
  }
});

test('cars park at trip ends, leave after their dwell, and lanes stay consistent', () => {
  const { model, parking, log } = run(2, 900);
  assert.ok(parking.parkings > 0, 'some trips ended in parking');
  assert.ok(log.some((e) => Number(e.split(':')[0]) < Number(log[0]!.split(':')[0])) || parking.parkings > 0);
  // every car is either parked or in exactly one lane list, and gaps are never negative
  let inLanes = 0;
  for (let l = 0; l < model.state.laneCount; l++) {
    let n = 0;
    for (let c = model.state.laneFirst[l]!; c !== NONE; c = model.state.behind[c]!) {
      n++;
      const a = model.state.ahead[c]!;
      if (a !== NONE) assert.ok(model.state.pos[a]! - model.state.length[a]! - model.state.pos[c]! > -0.01, 'no overlap');
    }
    assert.equal(n, model.state.laneCars[l]);
    inLanes += n;
  }
  assert.equal(inLanes + parking.parked, 300);
});

test('parking is deterministic for a seed', () => {
  assert.deepEqual(run(5, 300).log, run(5, 300).log);
});

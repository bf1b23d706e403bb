import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCity } from '../../../road/city.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';

test('a remote speed limit caps the car in the traffic model, and lifting it frees it', () => {
  const net = generateCity({ seed: 5, sizeM: 2000 });
  const model = new TrafficModel(net, { seed: 5, cars: 200, groundTruth: { records: false } });
  const capped = [0, 1, 2, 3, 4];
  for (const c of capped) model.capSpeed(c, 20 / 3.6);
  let maxCapped = 0;
  let maxOthers = 0;
  for (let t = 0; t < 600; t++) {
    model.step(0.5);
    if (t < 60) continue; // let the cars starting above the cap slow down
    for (let c = 0; c < 200; c++) {
      const v = model.state.speed[c]!;
      if (c < 5) maxCapped = Math.max(maxCapped, v);
      else maxOthers = Math.max(maxOthers, v);
    }
  }
  assert.ok(maxCapped <= 20 / 3.6 + 0.3, `capped cars stay near 20 km/h (max ${(maxCapped * 3.6).toFixed(1)})`);
  assert.ok(maxOthers > 30 / 3.6, 'the others drive faster');
  model.capSpeed(0, 0);
  assert.equal(model.state.speedCap[0], Infinity);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idmAccel, MAX_BRAKE } from '../../../simulator/traffic/idm.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import { loopNetwork, loopPosition } from './net-fixtures.js';

const DRIVER = { speedFactor: 1, timeHeadwayS: 1.5, minGapM: 2, maxAccel: 1.5, comfortDecel: 2, lengthM: 4.5, patienceS: 30 };

test('IDM: free road accelerates, a close stopped leader brakes hard, equilibrium gap holds speed', () => {
  assert.ok(idmAccel(0, 14, Infinity, 0, 1.5, 2, 1.5, 2) > 1.49);
  assert.ok(Math.abs(idmAccel(14, 14, Infinity, 0, 1.5, 2, 1.5, 2)) < 1e-9);
  assert.equal(idmAccel(10, 14, 0, 0, 1.5, 2, 1.5, 2), -MAX_BRAKE);
  assert.ok(idmAccel(10, 14, 20, 0, 1.5, 2, 1.5, 2) < -2);
  assert.ok(idmAccel(0, 14, 2, 0, 1.5, 2, 1.5, 2) <= 0, 'at the minimum gap a stopped car stays');
});

test('a car on a free road reaches its desired speed', () => {
  const net = loopNetwork({ sideM: 1000, speedKmh: 50 });
  const model = new TrafficModel(net, { seed: 1, capacity: 1 });
  const c = model.addCar({ segmentId: 's0', positionM: 10, driver: { ...DRIVER, speedFactor: 1.1 } });
  model.step(90);
  const v = model.state.speed[c] as number;
  assert.ok(Math.abs(v - 1.1 * (50 / 3.6)) < 0.2, `speed ${v}`);
});

test('a stopped leader makes its followers stop without collisions', () => {
  const net = loopNetwork({ sideM: 500, speedKmh: 50 });
  const model = new TrafficModel(net, { seed: 2, capacity: 12 });
  const leader = model.addCar({ segmentId: 's1', positionM: 200, speedMps: 0, driver: DRIVER });
  model.holdCar(leader, true);
  // ten followers at speed, some on the segment before the leader's
  for (let i = 0; i < 10; i++) {
    model.addCar({
      segmentId: i < 4 ? 's1' : 's0',
      positionM: i < 4 ? 150 - i * 35 : 480 - (i - 4) * 35,
      speedMps: 13,
      driver: { ...DRIVER, timeHeadwayS: 1 + i * 0.05 },
    });
  }
  const st = model.state;
  const n = model.carCount;
  let minGap = Infinity;
  for (let tick = 0; tick < 240; tick++) {
    model.step(0.5);
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => loopPosition(net, st.seg[b] as number, st.pos[b] as number) - loopPosition(net, st.seg[a] as number, st.pos[a] as number),
    );
    for (let k = 1; k < order.length; k++) {
      const ahead = order[k - 1] as number;
      const me = order[k] as number;
      const gap =
        loopPosition(net, st.seg[ahead] as number, st.pos[ahead] as number) -
        (st.length[ahead] as number) -
        loopPosition(net, st.seg[me] as number, st.pos[me] as number);
      assert.ok(gap >= 0, `tick ${tick}: car ${me} overlaps car ${ahead} by ${-gap} m`);
      minGap = Math.min(minGap, gap);
    }
  }
  for (let i = 0; i < n; i++) assert.ok((st.speed[i] as number) < 0.01, `car ${i} still moves at ${st.speed[i]}`);
  assert.equal(st.seg[leader], 1);
  assert.equal(st.pos[leader], 200);
  assert.ok(minGap > 0.5, `queue keeps a gap (${minGap} m)`);
  // released, the queue drives off
  model.holdCar(leader, false);
  model.step(60);
  for (let i = 0; i < n; i++) assert.ok((st.speed[i] as number) > 5, `car ${i} moves again`);
});

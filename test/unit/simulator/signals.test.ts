import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { AMBER, GREEN, RED, SignalPlan } from '../../../simulator/traffic/signals.js';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import { loopNetwork } from './net-fixtures.js';

test('signal groups take turns: green, amber, all red', () => {
  const net = loopNetwork({ signals: [1, 2] });
  const plan = new SignalPlan(net, new Rng(1), { greenS: 20, amberS: 3, allRedS: 2 });
  assert.equal(plan.count, 2);
  // s0 runs east into n1 (east-west group), s1 runs north into n2 (north-south group)
  const seen = new Set<string>();
  for (let t = 0; t < 100; t += 0.5) {
    plan.update(t);
    const a = plan.colourAt(0);
    const b = plan.colourAt(1);
    seen.add(`${a}`);
    assert.ok([GREEN, AMBER, RED].includes(a));
    assert.ok(b === GREEN || b === AMBER || b === RED);
  }
  assert.deepEqual([...seen].sort(), ['0', '1', '2']);
  assert.equal(plan.colourAt(3), GREEN, 'unsignalised segments are always green');
  // within one node, the two groups are never green at once
  const cross = new SignalPlan(loopNetwork({ signals: [0] }), new Rng(1));
  assert.equal(cross.count, 1);
});

test('cars stop at red and go at green', () => {
  const net = loopNetwork({ sideM: 400, signals: [2] });
  const model = new TrafficModel(net, { seed: 3, capacity: 6, signalTiming: { greenS: 20, amberS: 3, allRedS: 2 } });
  for (let i = 0; i < 6; i++) model.addCar({ segmentId: i < 3 ? 's0' : 's2', positionM: 50 + (i % 3) * 60, speedMps: 10 });
  const st = model.state;
  const s1 = net.segmentIndexById.get('s1') ?? -1;
  let stoppedAtRed = 0;
  let crossings = 0;
  const prev = Int32Array.from(st.seg.subarray(0, 6));
  for (let tick = 0; tick < 1200; tick++) {
    model.step(0.5);
    const colour = model.signals.colourAt(s1); // the colour the tick just run used
    for (let i = 0; i < 6; i++) {
      if (prev[i] === s1 && st.seg[i] !== s1) {
        crossings++;
        assert.notEqual(colour, RED, `car ${i} crossed the stop line on red at tick ${tick}`);
      }
      if (st.seg[i] === s1 && (st.speed[i] as number) < 0.1 && st.ahead[i] === -1 && colour !== GREEN) {
        const dist = (net.segLength[s1] as number) - (st.pos[i] as number);
        assert.ok(dist >= 0 && dist < 6, `waits at the stop line (${dist} m before it)`);
        stoppedAtRed++;
      }
      prev[i] = st.seg[i] as number;
    }
  }
  assert.ok(stoppedAtRed > 10, `cars waited at red (${stoppedAtRed} car-ticks)`);
  assert.ok(crossings > 20, `cars went on green (${crossings} crossings)`);
});

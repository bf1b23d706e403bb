import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrafficModel } from '../../../simulator/traffic/model.js';
import type { IncidentRecord } from '../../../simulator/traffic/incidents.js';
import { isV2xError } from '../../../core/errors.js';
import { generateCity } from '../../../road/city.js';
import { createNetwork, toSpecs } from '../../../road/network.js';
import { stronglyConnectedComponents } from '../../../road/connectivity.js';
import { loopNetwork } from './net-fixtures.js';

function stoppedOn(model: TrafficModel, seg: number): number {
  let n = 0;
  for (let i = 0; i < model.carCount; i++) if (model.state.seg[i] === seg && (model.state.speed[i] as number) < 0.5) n++;
  return n;
}

test('an incident closing a lane makes a queue grow upstream, and it dissolves after', () => {
  const net = loopNetwork({ sideM: 500, lanes: 1 });
  const model = new TrafficModel(net, {
    seed: 4,
    cars: 40,
    incidents: [{ id: 'crash', segmentId: 's1', startS: 60, durationS: 180, lanesBlocked: 1, positionFraction: 0.2 }],
  });
  const s0 = net.segmentIndexById.get('s0') ?? -1;
  const s1 = net.segmentIndexById.get('s1') ?? -1;
  model.step(59);
  const before = stoppedOn(model, s1) + stoppedOn(model, s0);
  assert.ok(before <= 2, `free flow before (${before} stopped)`);
  const queue: number[] = [];
  for (let t = 0; t < 180; t += 30) {
    model.step(30);
    queue.push(stoppedOn(model, s1) + stoppedOn(model, s0));
  }
  for (let k = 1; k < queue.length; k++) assert.ok((queue[k] as number) >= (queue[k - 1] as number), `queue grows: ${queue.join(', ')}`);
  assert.ok(stoppedOn(model, s0) > 5, `the queue reaches back onto the upstream segment (${stoppedOn(model, s0)} there)`);
  // nobody passed the obstacle while it stood: no car between it and the end of s1 is stopped there
  const records = model.takeRecords().filter((r): r is IncidentRecord => r.type === 'incident');
  assert.equal(records.length, 1);
  assert.deepEqual(
    {
      id: records[0]?.incidentId,
      start: records[0]?.startS,
      end: records[0]?.endS,
      closed: records[0]?.closed,
      lanes: records[0]?.lanesBlocked,
    },
    { id: 'crash', start: 60, end: 240, closed: true, lanes: 1 },
  );
  model.step(300);
  const after = stoppedOn(model, s1) + stoppedOn(model, s0);
  assert.ok(after <= 2, `the queue dissolved (${after} still stopped)`);
});

test('on a two-lane road, cars change to the open lane to pass a one-lane incident', () => {
  const net = loopNetwork({ sideM: 500, lanes: 2 });
  const model = new TrafficModel(net, {
    seed: 5,
    cars: 30,
    incidents: [{ segmentId: 's1', startS: 0, durationS: 600, lanesBlocked: 1 }],
  });
  const s1 = net.segmentIndexById.get('s1') ?? -1;
  const obstacle = 0.6 * (net.segLength[s1] as number);
  let passedInLane1 = 0;
  let passedInLane0 = 0;
  const wasInLane0Before = new Set<number>();
  let changed = 0;
  for (let t = 0; t < 300; t++) {
    model.step(1);
    const st = model.state;
    for (let i = 0; i < model.carCount; i++) {
      if (st.seg[i] !== s1) continue;
      const lane = (st.lane[i] as number) - (st.laneBase[s1] as number);
      const beyond = (st.pos[i] as number) > obstacle;
      if (!beyond && lane === 0) wasInLane0Before.add(i);
      if (beyond && lane === 1) {
        passedInLane1++;
        if (wasInLane0Before.delete(i)) changed++;
      }
      if (beyond && lane === 0 && t > 30) passedInLane0++;
    }
  }
  assert.equal(passedInLane0, 0, 'nobody drives through the blocked lane');
  assert.ok(passedInLane1 > 50, 'traffic flows past in the open lane');
  assert.ok(changed >= 5, `cars from the blocked lane changed to the open one (${changed})`);
  let moving = 0;
  for (let i = 0; i < model.carCount; i++) if ((model.state.speed[i] as number) > 1) moving++;
  assert.ok(moving > 10, `traffic keeps moving (${moving} cars)`);
});

test('random incidents happen at the given rate, seeded', () => {
  const net = generateCity({ seed: 1, sizeM: 2000 });
  const run = (): IncidentRecord[] => {
    const model = new TrafficModel(net, { seed: 9, cars: 50, randomIncidents: { ratePerHour: 60, minDurationS: 60, maxDurationS: 120 } });
    model.step(3600);
    return model.takeRecords().filter((r): r is IncidentRecord => r.type === 'incident');
  };
  const a = run();
  assert.ok(a.length >= 40 && a.length <= 85, `${a.length} incidents in an hour at 60/h`);
  assert.deepEqual(run(), a);
  for (const r of a) {
    assert.equal(r.source, 'random');
    assert.ok(r.endS - r.startS >= 60 && r.endS - r.startS <= 120);
    assert.ok(r.lanesBlocked >= 1 && r.lanesBlocked <= r.lanes);
  }
});

test('an incident on an unknown segment is refused naming it', () => {
  assert.throws(
    () => new TrafficModel(loopNetwork(), { incidents: [{ segmentId: 'nope', startS: 0, durationS: 10, lanesBlocked: 1 }] }),
    (err: unknown) => isV2xError(err, 'SCENARIO_INVALID') && /incidents\[0\]\.segment: no segment with id nope/.test(err.message),
  );
});

test('the model refuses a network that is not strongly connected', () => {
  const net = generateCity({ seed: 1, sizeM: 600, ring: false });
  const oneWay = createNetwork({
    nodes: toSpecs(net).nodes,
    segments: toSpecs(net).segments.filter((s) => !s.id.endsWith(`-${toSpecs(net).segments[0]?.from}`)),
  });
  assert.ok(stronglyConnectedComponents(oneWay).count > 1, 'fixture: a node nobody can reach');
  assert.throws(
    () => new TrafficModel(oneWay, { cars: 1 }),
    (err: unknown) => isV2xError(err, 'ROAD_NETWORK_INVALID') && /strongly connected/.test(err.message),
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../../core/config/load.js';
import { resolveSimSettings, simConfigSchema } from '../../../simulator/config.js';
import { Coordinator } from '../../../simulator/runtime/coordinator.js';
import type { ParentToUnit, UnitToParent } from '../../../simulator/runtime/messages.js';
import type { Unit } from '../../../simulator/runtime/units.js';
import { World, type WorldSettings } from '../../../simulator/runtime/world.js';
import type { DriverWarning } from '../../../simulator/traffic/warned-drivers.js';

const schema = Type.Object({ sim: simConfigSchema });
const settings = resolveSimSettings(loadConfig(schema, { flags: { 'sim.cars': 30, 'sim.seed': '5' } }).sim);

/** Units that only record what the coordinator sends them (the coordinator's routing is what is tested). */
function recordingUnits(): { units: { sent: ParentToUnit[]; emit: (m: UnitToParent) => void }[]; factory: () => Unit } {
  const units: { sent: ParentToUnit[]; emit: (m: UnitToParent) => void }[] = [];
  return {
    units,
    factory: () => {
      const rec = { sent: [] as ParentToUnit[], emit: (_m: UnitToParent) => {} };
      units.push(rec);
      return {
        label: `u${units.length}`,
        send: (m) => rec.sent.push(m),
        onMessage: (fn) => (rec.emit = fn),
        onExit: () => {},
        terminate: () => Promise.resolve(),
      };
    },
  };
}

const w: DriverWarning = {
  car: 12,
  vin: 'VIN12',
  warningId: 'tj-1',
  warningType: 'traffic_jam',
  segmentId: 's',
  lat: 0,
  lon: 0,
  radiusM: 100,
  expired: false,
};

test('without a model thread, a warning decided in one replica goes to the other units, and up', () => {
  const { units, factory } = recordingUnits();
  const up: DriverWarning[] = [];
  const c = new Coordinator({
    settings,
    start: 0,
    end: 30,
    units: 3,
    factory,
    groundTruth: false,
    rampPerSecond: 100,
    label: 't',
    onWarning: (x) => up.push(x),
  });
  units[1]?.emit({ type: 'warning', warning: w });
  assert.deepEqual(
    units.map((u) => u.sent),
    [[{ type: 'warning', warning: w }], [], [{ type: 'warning', warning: w }]],
  );
  assert.deepEqual(up, [w]);
  c.warn(w); // from the parent (another process): every unit
  assert.deepEqual(
    units.map((u) => u.sent.length),
    [2, 1, 2],
  );
});

test('replicas of the fleet model take the same detour: the deciding one relays it, the others apply it', () => {
  const ws: WorldSettings = { ...settings, cars: 80, city: 'builtin', scenario: '', traffic: 'fleet', rerouteShare: 1 };
  const relayed: DriverWarning[] = [];
  const a = new World(ws, { groundTruth: true, start: 0, end: 40, onWarned: (x) => relayed.push(x) });
  const b = new World(ws, { groundTruth: false, start: 40, end: 80 });
  for (let i = 0; i < 40; i++) [a, b].forEach((x) => x.tick());
  const st = a.model.state;
  let car = -1;
  for (let c = 0; c < 40 && car < 0; c++) if ((st.routes[c] as Int32Array).length - (st.routeIdx[c] as number) >= 6) car = c;
  assert.ok(car >= 0, 'a car with a long route');
  const route = st.routes[car] as Int32Array;
  const warned = a.network.segments[route[(st.routeIdx[car] as number) + 2] as number]?.id as string;
  a.warn(car, { vin: 'V', warningId: 'x', warningType: 'traffic_jam', segmentId: warned, lat: 0, lon: 0, radiusM: 10, expired: false });
  assert.equal(relayed.length, 1);
  assert.equal(relayed[0]?.car, car);
  assert.equal(a.warned.decisions.rerouted, 1);
  b.warnFleetCar(relayed[0] as DriverWarning);
  assert.deepEqual(Array.from(b.model.state.routes[car] as Int32Array), Array.from(st.routes[car] as Int32Array));
  assert.ok(a.takeRecords().some((r) => r.type === 'reroute_decision'));
});

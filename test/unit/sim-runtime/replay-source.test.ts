/**
 * The pure parts of a replay run: the world that reads kinematics from a trace at tick times (and at
 * the due times of telemetry), when the cars come and go, the trace split over units, the fleet built
 * from a trace, and the replay settings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../../core/config/load.js';
import { isV2xError } from '../../../core/errors.js';
import { resolveSimSettings, simConfigSchema } from '../../../simulator/config.js';
import { FleetGenerator } from '../../../simulator/fleet/generate.js';
import { loadTrace } from '../../../simulator/replay/load.js';
import { TraceTimeline } from '../../../simulator/replay/timeline.js';
import { sliceTrace } from '../../../simulator/replay/trace.js';
import { emptyKinematics } from '../../../simulator/traffic/kinematics.js';
import { loadReplayTrace, replayCars } from '../../../simulator/runtime/replay-fleet.js';
import { REPLAY_TICK_MS, ReplayWorld, replayUnitData } from '../../../simulator/runtime/replay-source.js';
import { Simulation } from '../../../simulator/runtime/simulation.js';
import { fixture } from '../replay/fixtures.js';

const schema = Type.Object({ sim: simConfigSchema });
const load = (flags: Record<string, unknown>) => resolveSimSettings(loadConfig(schema, { flags }).sim);

// trace.csv: WVW...001 at 0, 1, 2 s; WBA...002 at 0, 1, 2 s; 1HGCM... at 2 and 4 s (from 08:00:00Z)
const T0 = Date.UTC(2026, 2, 1, 8);

test('the replay world reads the trace at tick times and at due times, interpolated', async () => {
  const trace = await loadTrace(fixture('trace.csv'));
  const world = new ReplayWorld(replayUnitData(trace, 0, 3));
  const timeline = new TraceTimeline(trace);
  const kin = emptyKinematics();
  const want = emptyKinematics();
  assert.equal(world.tickMs, REPLAY_TICK_MS);
  assert.deepEqual(world.anchor, { lon: 11.575, lat: 48.137 });
  for (let tick = 0; tick < 10; tick++) {
    assert.equal(world.timeMs, tick * REPLAY_TICK_MS);
    for (let k = 0; k < 3; k++) {
      world.readMotion(k, kin);
      timeline.sample(k, T0 + world.timeMs, want);
      assert.equal(kin.speedMps, want.speedMps, `car ${k} speed at ${world.timeMs}`);
      assert.equal(kin.odometerM, want.odometerM);
    }
    world.tick();
  }
  // between ticks: interpolated at the instant asked for (half-way from fix 0 to fix 1 of car 0)
  world.read(0, 500, kin);
  assert.ok(Math.abs(kin.lon - 11.5750675) < 1e-9, `lon ${kin.lon}`);
  assert.equal(kin.lat, 48.137);
  assert.equal(kin.headingDeg, 90);
  assert.equal(kin.speedMps, 10);
  // WBA...002 turns from 350 to 10 degrees through north
  world.read(1, 500, kin);
  assert.ok(Math.abs(kin.headingDeg - 0) < 1e-9 || Math.abs(kin.headingDeg - 360) < 1e-9, `heading ${kin.headingDeg}`);
  // before its first fix a car stands at it; after its last, at the last one
  world.read(2, 1000, kin);
  assert.deepEqual([kin.lat, kin.lon, kin.speedMps], [48.13, 11.58, 0]);
  world.read(2, 9000, kin);
  assert.deepEqual([kin.lat, kin.lon, kin.speedMps], [48.12964, 11.58, 0]);
});

test('cars appear at their first fix and leave after their last, in time order', async () => {
  const trace = await loadTrace(fixture('trace.csv'));
  const p = new ReplayWorld(replayUnitData(trace, 0, 3)).presence;
  assert.equal(p.endMs, 4000);
  // car k at time t, as "k@t"
  const seen: string[] = [];
  p.arrivals(1, (k, at) => seen.push(`${k}@${at}`));
  assert.deepEqual(seen, ['0@0', '1@0']);
  p.arrivals(2000, (k, at) => seen.push(`${k}@${at}`));
  assert.equal(seen.length, 2, 'the third car appears at 2000, not before');
  p.arrivals(2001, (k, at) => seen.push(`${k}@${at}`));
  assert.equal(seen[2], '2@2000');
  p.arrivals(1e9, () => assert.fail('each car arrives once'));
  const left: string[] = [];
  p.departures(2500, (k, at) => left.push(`${k}@${at}`));
  assert.deepEqual(left, ['0@2000', '1@2000']);
  p.departures(5000, (k, at) => left.push(`${k}@${at}`));
  assert.equal(left[2], '2@4000');
  // scheduled telemetry only strictly between the first and the last fix (those two are sent on arrival and departure)
  assert.equal(p.present(2, 2000), false);
  assert.equal(p.present(2, 2001), true);
  assert.equal(p.present(2, 4000), false);
  assert.equal(p.firstMs(2), 2000);
});

test('a unit of a replay holds only its vehicles, on the whole trace time axis', async () => {
  const trace = await loadTrace(fixture('trace.csv'));
  const part = sliceTrace(trace, 1, 3);
  assert.deepEqual(
    part.vehicles.map((v) => [v.vin, v.start, v.end]),
    [
      ['WBA00000600000002', 0, 3],
      ['1HGCM82633A004352', 3, 5],
    ],
  );
  assert.equal(part.timeMs.length, 5);
  const data = replayUnitData(trace, 2, 3);
  assert.equal(data.originMs, T0, 'time 0 is the first fix of the whole trace');
  assert.deepEqual(data.anchor, { lon: 11.575, lat: 48.137 });
  const world = new ReplayWorld(data);
  const kin = emptyKinematics();
  world.read(0, 3000, kin); // half-way between the 1HGCM fixes at 2 s and 4 s
  assert.ok(Math.abs(kin.lat - 48.12982) < 1e-9, `lat ${kin.lat}`);
  assert.equal(world.presence.firstMs(0), 2000);
});

test('the fleet of a replay: specs from (seed, index), VINs from the trace', async () => {
  const trace = await loadTrace(fixture('trace.csv'));
  const vins = trace.vehicles.map((v) => v.vin);
  const cars = replayCars('7', 0, vins);
  const gen = new FleetGenerator({ seed: 7 });
  assert.deepEqual(
    cars.map((c) => c.vin),
    vins,
  );
  cars.forEach((c, k) => assert.deepEqual({ ...c, vin: 'x' }, { ...gen.car(k), vin: 'x' }));
  // a unit's cars are the same as the whole fleet's
  assert.deepEqual(replayCars('7', 1, vins.slice(1)), cars.slice(1));
});

test('a replay run: the trace sets the fleet, split over shards and units', async () => {
  const settings = load({ 'sim.replay': fixture('trace.csv'), 'sim.shard': '1/2', 'sim.workers': '1' });
  const sim = await Simulation.create(settings);
  assert.equal(sim.settings.cars, 3);
  assert.deepEqual([sim.start, sim.end], [1, 3]);
  assert.deepEqual(
    sim.replay?.trace.vehicles.map((v) => v.vin),
    ['WBA00000600000002', '1HGCM82633A004352'],
  );
  assert.throws(
    () => new Simulation(settings),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID'),
  );
});

test('replay settings: the replay speed is the speedup; bad combinations are refused', async () => {
  const s = load({ 'sim.replay': 'x.csv', 'sim.replaySpeed': '25', 'sim.replayBegin': '2026-03-01T08:00:00Z', 'sim.replayIds': 'map' });
  assert.equal(s.speedup, 25);
  assert.deepEqual(s.replay, { file: 'x.csv', timestamps: 'rebased', vehicleIds: 'map', beginEpochMs: T0 });
  assert.equal(load({}).replay, undefined);
  assert.equal(load({ 'sim.replay': 'x.csv' }).replay?.vehicleIds, undefined, 'the format decides');
  assert.throws(() => load({ 'sim.replay': 'x.csv', 'sim.speedup': '4' }), /--replay-speed/);
  assert.throws(() => load({ 'sim.replaySpeed': '4' }), /only applies with --replay/);
  assert.throws(() => load({ 'sim.replay': 'x.csv', 'sim.replayTimestamps': 'now' }), /replayTimestamps/);
  assert.throws(() => load({ 'sim.replay': 'x.csv', 'sim.replayBegin': 'soon' }), /sim\.replayBegin/);
  // an FCD trace has no calendar: recorded timestamps need --replay-begin
  await assert.rejects(
    loadReplayTrace({ file: fixture('fcd-geo.xml'), timestamps: 'recorded', vehicleIds: undefined, beginEpochMs: undefined }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /replay-begin/.test(e.message),
  );
  const fcd = await loadReplayTrace({ file: fixture('fcd-geo.xml'), timestamps: 'recorded', vehicleIds: undefined, beginEpochMs: T0 });
  assert.equal(fcd.timeMs[0], T0);
  await assert.rejects(
    loadReplayTrace({ file: fixture('bad-lat.csv'), timestamps: 'rebased', vehicleIds: undefined, beginEpochMs: undefined }),
    (e: unknown) => isV2xError(e, 'TRACE_INVALID') && /bad-lat\.csv:3:/.test(e.message),
  );
});

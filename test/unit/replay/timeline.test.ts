import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import { ManualClock } from '../../../core/clock.js';
import { distanceM } from '../../../road/geo.js';
import { parseCsvTrace } from '../../../simulator/replay/csv.js';
import { ReplayPlayback, type PlayedFix } from '../../../simulator/replay/playback.js';
import { TraceTimeline, type DueFix, type ReplayKinematics } from '../../../simulator/replay/timeline.js';
import { emptyKinematics } from '../../../simulator/traffic/kinematics.js';
import { fixture, T0, VIN_A, VIN_B, VIN_C } from './fixtures.js';

const A = 0;
const B = 1;
const C = 2;

async function timeline(): Promise<TraceTimeline> {
  return new TraceTimeline(await parseCsvTrace(fixture('trace.csv')));
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected} (± ${tolerance})`);
}

function kin(): ReplayKinematics {
  return { lon: 0, lat: 0, headingDeg: 0, speedMps: 0, accelMps2: 0, odometerM: 0 };
}

const label = (tl: TraceTimeline, f: DueFix): string => `${tl.vehicles()[f.vehicle]?.vin.slice(0, 3)}@${f.timeMs - T0}`;

test('vehicles() lists each VIN with its first and last time and its number of fixes', async () => {
  const tl = await timeline();
  assert.deepEqual(tl.vehicles(), [
    { index: A, vin: VIN_A, sourceId: VIN_A, firstMs: T0, lastMs: T0 + 2000, count: 3 },
    { index: B, vin: VIN_B, sourceId: VIN_B, firstMs: T0, lastMs: T0 + 2000, count: 3 },
    { index: C, vin: VIN_C, sourceId: VIN_C, firstMs: T0 + 2000, lastMs: T0 + 4000, count: 2 },
  ]);
  assert.equal(tl.startMs, T0);
  assert.equal(tl.endMs, T0 + 4000);
});

test('advance() hands out every fix once, in time order, across vehicles', async () => {
  const tl = await timeline();
  const seen: DueFix[] = [];
  for (let t = T0 - 1000; t <= T0 + 5000; t += 500) seen.push(...tl.advance(t));
  assert.equal(seen.length, 8);
  assert.deepEqual(new Set(seen.map((f) => f.index)).size, 8);
  for (let i = 1; i < seen.length; i++) assert.ok((seen[i]?.timeMs ?? 0) >= (seen[i - 1]?.timeMs ?? 0), 'time order');
  assert.deepEqual(seen.map((f) => label(tl, f)).sort(), [
    '1HG@2000',
    '1HG@4000',
    'WBA@0',
    'WBA@1000',
    'WBA@2000',
    'WVW@0',
    'WVW@1000',
    'WVW@2000',
  ]);
  assert.ok(tl.finished);
  assert.deepEqual([...tl.advance(T0 + 9000)], []);
  tl.rewind(T0 + 2000);
  assert.deepEqual([...tl.advance(T0 + 2000)].map((f) => label(tl, f)).sort(), ['1HG@2000', 'WBA@2000', 'WVW@2000']);
});

test("advance(.., 'latest') gives per vehicle only the latest fix due, in time order", async () => {
  const tl = await timeline();
  assert.deepEqual(
    [...tl.advance(T0 + 1500, 'latest')].map((f) => label(tl, f)),
    ['WVW@1000', 'WBA@1000'],
  );
  assert.deepEqual(
    [...tl.advance(T0 + 4000, 'latest')].map((f) => label(tl, f)),
    ['WVW@2000', 'WBA@2000', '1HG@4000'],
  );
});

test('sample() interpolates position, speed and odometer linearly, heading on the shorter arc', async () => {
  const tl = await timeline();
  const out = kin();
  const d01 = distanceM(11.575, 48.137, 11.575135, 48.137);
  const d12 = distanceM(11.575135, 48.137, 11.57527, 48.137);

  assert.equal(tl.sample(A, T0 + 1500, out), 'driving');
  near(out.lon, 11.5752025, 1e-9, 'lon');
  near(out.lat, 48.137, 1e-9, 'lat');
  near(out.speedMps, 12.5, 1e-5, 'speed');
  near(out.accelMps2, 5, 1e-5, 'accel from the speed difference');
  near(out.odometerM, d01 + d12 / 2, 1e-6, 'odometer');
  assert.equal(out.headingDeg, 90);

  assert.equal(tl.sample(B, T0 + 500, out), 'driving');
  near(out.headingDeg, 0, 1e-9, '350 -> 10 passes through north');
  assert.equal(tl.sample(B, T0 + 250, out), 'driving');
  near(out.headingDeg, 355, 1e-9, 'heading');
  near(out.speedMps, 1.25, 1e-5, 'speed');

  // exactly on a fix, then going back in time
  assert.equal(tl.sample(A, T0 + 2000, out), 'driving');
  near(out.speedMps, 15, 1e-5, 'speed at a fix');
  near(out.odometerM, d01 + d12, 1e-6, 'odometer at a fix');
  assert.equal(tl.sample(A, T0 + 200, out), 'driving');
  near(out.lon, 11.575 + 0.000135 * 0.2, 1e-9, 'lon after going back');

  // before the first fix and after the last: there, at standstill
  assert.equal(tl.sample(C, T0, out), 'before');
  assert.deepEqual([out.lat, out.lon, out.speedMps, out.odometerM], [48.13, 11.58, 0, 0]);
  assert.equal(tl.sample(A, T0 + 60_000, out), 'after');
  assert.deepEqual([out.lon, out.speedMps, out.accelMps2], [11.57527, 0, 0]);
});

test('ticks that do not line up with the fixes still see a growing odometer that ends at the path length', async () => {
  const tl = await timeline();
  const out = emptyKinematics(); // the traffic model's own shape takes the replay's values
  let last = 0;
  for (let t = T0 + 137; t <= T0 + 4000; t += 333) {
    tl.sample(C, t, out);
    assert.ok(out.odometerM >= last, `odometer at ${t - T0}`);
    last = out.odometerM;
  }
  tl.sample(C, T0 + 4000, out);
  near(out.odometerM, distanceM(11.58, 48.13, 11.58, 48.12964), 1e-6, 'path length');
  assert.equal(out.segment, -1, 'fields the replay does not own are left alone');
});

test('fill() reads one recorded fix with the acceleration from the fix before', async () => {
  const tl = await timeline();
  const fixes = [...tl.advance(T0 + 2000)].filter((f) => f.vehicle === A);
  const out = kin();
  tl.fill(fixes[0]?.index ?? -1, out);
  assert.deepEqual([out.lon, out.accelMps2, out.odometerM], [11.575, 0, 0]);
  tl.fill(fixes[2]?.index ?? -1, out);
  near(out.accelMps2, 5, 1e-5, 'accel');
  assert.equal(out.odometerM, tl.odometerAt(fixes[2]?.index ?? -1));
  assert.throws(() => tl.fill(99, out), RangeError);
});

test('scaled playback: ten times faster, stamps rebased to the start or kept as recorded', async () => {
  const start = 1_800_000_000_000;
  const p = new ReplayPlayback(await timeline(), { startWallMs: start, speed: 10 });
  assert.equal(p.durationMs, 400);
  assert.equal(p.recordedAt(start + 100), T0 + 1000);
  assert.equal(p.wallAt(T0 + 4000), start + 400);
  const first = [...p.advance(start)];
  assert.deepEqual(
    first.map((f) => [f.timeMs, f.stampMs]),
    [
      [T0, start],
      [T0, start],
    ],
  );
  const second = [...p.advance(start + 100)];
  assert.deepEqual(
    second.map((f) => f.stampMs),
    [start + 1000, start + 1000],
  );
  assert.equal([...p.advance(start + 399)].length, 3);
  assert.equal(p.finished, false);
  assert.equal([...p.advance(start + 400)].length, 1);
  assert.equal(p.finished, true);
  const out = kin();
  assert.equal(p.sample(A, start + 150, out), 'driving');
  near(out.speedMps, 12.5, 1e-5, 'the speed the car had at recorded +1.5 s');

  const recorded = new ReplayPlayback(await timeline(), { startWallMs: start, speed: 0.5, timestamps: 'recorded' });
  assert.deepEqual(
    [...recorded.advance(start + 2000)].map((f) => f.stampMs),
    [T0, T0, T0 + 1000, T0 + 1000],
  );

  for (const speed of [0, -1, Number.NaN, Infinity]) {
    assert.throws(
      () => new ReplayPlayback(new TraceTimeline(p.timeline.trace), { startWallMs: start, speed }),
      (err: unknown) => isV2xError(err, 'CONFIG_INVALID') && /replay speed must be a number above 0/.test(err.message),
    );
  }
});

test('driven by a clock: a 100 ms tick plays the whole trace in order at twice the recorded speed', async () => {
  const clock = new ManualClock(1_800_000_000_000);
  const p = new ReplayPlayback(await timeline(), { startWallMs: clock.now(), speed: 2, fromMs: T0 + 1000 });
  const played: PlayedFix[] = [];
  const tick = clock.setInterval(() => played.push(...p.advance(clock.now())), 100);
  clock.advance(1400);
  assert.equal(played.length, 5, 'the two fixes before fromMs are skipped');
  assert.equal(p.finished, false);
  clock.advance(100);
  tick.cancel();
  assert.equal(played.length, 6);
  assert.ok(p.finished);
  assert.deepEqual(
    played.map((f) => f.timeMs - T0),
    [1000, 1000, 2000, 2000, 2000, 4000],
  );
  assert.deepEqual(
    played.map((f) => f.stampMs - clock.now()),
    [-1500, -1500, -500, -500, -500, 1500],
    'rebased stamps run at the scaled pace from the start',
  );
});

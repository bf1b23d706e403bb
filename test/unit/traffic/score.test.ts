import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coverageFromEvents, scoreDetection, scoreForecasts, scoreWarnings } from '../../../eval/traffic/score.js';
import { trueJams, TruthSpeeds } from '../../../eval/traffic/truth.js';
import type { GroundTruthRecord } from '../../../simulator/traffic/ground-truth.js';
import type { Jam, JamEvent, SpeedForecast } from '../../../backend/services/traffic/types.js';
import { jamFactor } from '../../../backend/services/traffic/jam-factor.js';
import { gridKey } from '../../../backend/services/traffic/grid-key.js';

const rec = (segmentId: string, t: number, v: number | null, ff = 10): GroundTruthRecord => ({
  type: 'segment',
  t,
  timeMs: t * 1000,
  windowS: 10,
  segmentId,
  count: 3,
  meanSpeedMps: v,
  freeFlowMps: ff,
});

const jam = (id: string, segments: string[]): Jam => ({
  id,
  segments,
  headSegment: segments[segments.length - 1] as string,
  tailSegment: segments[0] as string,
  lengthM: 100,
  growthMPerMin: 0,
  maxJamFactor: 8,
  startedMs: 0,
  updatedMs: 0,
});

test('true jams: below 40% of free flow for at least 60 s; a null or fast window ends a run', () => {
  const records: GroundTruthRecord[] = [];
  // s1: slow from window (10,20] .. (60,70] = 60 s (start 10 s, end 70 s): a jam
  for (let t = 10; t <= 80; t += 10) records.push(rec('s1', t, t >= 20 && t <= 70 ? 3 : 9));
  // s2: 50 s slow: not a jam; s3: slow, broken by a null window
  for (let t = 10; t <= 80; t += 10) records.push(rec('s2', t, t >= 20 && t <= 60 ? 3 : 9));
  for (let t = 10; t <= 80; t += 10) records.push(rec('s3', t, t === 40 ? null : 1));
  assert.deepEqual(trueJams(records), [{ segmentId: 's1', startMs: 10_000, endMs: 70_000 }]);
});

test('detection: precision, recall, F1 and delays from overlap in segment and time', () => {
  const truth = [
    { segmentId: 'a', startMs: 100_000, endMs: 400_000 },
    { segmentId: 'b', startMs: 100_000, endMs: 400_000 },
    { segmentId: 'c', startMs: 100_000, endMs: 400_000 },
    { segmentId: 'd', startMs: 100_000, endMs: 400_000 },
  ];
  const events: JamEvent[] = [
    { type: 'jam_started', atMs: 130_000, jam: jam('j1', ['a']) },
    { type: 'jam_updated', atMs: 150_000, jam: jam('j1', ['a', 'b']) },
    { type: 'jam_started', atMs: 200_000, jam: jam('j2', ['c']) },
    { type: 'jam_started', atMs: 200_000, jam: jam('j3', ['x']) },
    { type: 'jam_cleared', atMs: 300_000, jam: jam('j3', ['x']) },
  ];
  const cov = coverageFromEvents(events, 500_000);
  const r = scoreDetection(truth, cov);
  // detected j1, j2 match; j3 does not: precision 2/3. true a, b, c found; d not: recall 3/4
  assert.equal(r.precision, 0.667);
  assert.equal(r.recall, 0.75);
  assert.equal(r.f1, Math.round(((2 * (2 / 3) * 0.75) / (2 / 3 + 0.75)) * 1000) / 1000);
  assert.deepEqual(r.delays_s, [30, 50, 100]);
  assert.equal(r.median_delay_s, 50);
  assert.equal(r.p90_delay_s, 90); // 50 + 0.8 * (100 - 50)
});

test('detection: a detection after the true end plus tolerance does not match', () => {
  const truth = [{ segmentId: 'a', startMs: 0, endMs: 60_000 }];
  const cov = coverageFromEvents([{ type: 'jam_started', atMs: 130_000, jam: jam('j1', ['a']) }], 200_000);
  const r = scoreDetection(truth, cov, 60_000);
  assert.equal(r.recall, 0);
  assert.equal(r.precision, 0);
});

test('forecast MAE and RMSE against the truth 60 s mean at t + h', () => {
  const records: GroundTruthRecord[] = [];
  for (let t = 10; t <= 1000; t += 10) records.push(rec('s', t, t > 600 ? 4 : 8));
  const truth = new TruthSpeeds(records);
  assert.equal(truth.at('s', 660_000), 4);
  assert.equal(truth.at('s', 630_000), 6); // (8 + 8 + 8 + 4 + 4 + 4) / 6
  const f = (atMs: number, model: number, ha: number, last: number): SpeedForecast => ({
    segmentId: 's',
    atMs,
    horizonMin: 10,
    model,
    ha,
    last,
  });
  const r = scoreForecasts([f(60_000, 5, 8, 8), f(70_000, 3, 8, 8), f(0, 9, 9, 9)], truth);
  // targets: t=660 s -> 4, t=670 s -> 4; the third (t = 600 s) -> 8
  assert.deepEqual(r.mae_10, { model: Math.round(((1 + 1 + 1) / 3) * 1000) / 1000, ha: Math.round((9 / 3) * 1000) / 1000, last: 3 });
  assert.equal(r.rmse_10.ha, Math.round(Math.sqrt((16 + 16 + 1) / 3) * 1000) / 1000);
  assert.equal(r.n_10, 3);
  assert.ok(Number.isNaN(r.mae_5.model));
});

test('warning lead time: to the next true jam start on the segment within 15 min', () => {
  const truth = [{ segmentId: 'a', startMs: 400_000, endMs: 500_000 }];
  const w = (segmentId: string, atMs: number) => ({ segmentId, atMs, expectedMs: atMs, jamId: undefined, reason: 'forecast' as const });
  const r = scoreWarnings([w('a', 100_000), w('a', 300_000), w('b', 0), w('a', 450_000)], truth);
  assert.deepEqual(r.leads_s, [100, 300]);
  assert.equal(r.median_lead_s, 200);
});

test('jam factor formula', () => {
  assert.equal(jamFactor(10, 10), 0);
  assert.equal(jamFactor(8, 10), 0);
  assert.equal(jamFactor(4, 10), 5);
  assert.equal(jamFactor(2, 10), 7.5);
  assert.equal(jamFactor(0, 10), 10);
  assert.equal(jamFactor(5, 10, true), 10);
});

test('grid key fallback: stable tile keys, neighbours differ', () => {
  assert.equal(gridKey(11.575, 48.137), gridKey(11.5751, 48.1371));
  assert.notEqual(gridKey(11.575, 48.137), gridKey(11.58, 48.137));
  assert.match(gridKey(11.575, 48.137), /^grid:17:\d+:\d+$/);
});

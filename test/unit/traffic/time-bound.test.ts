/** The traffic service's record clock cannot be moved past wall time plus the allowed skew (issue 19). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { generateCity } from '../../../road/city.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { TrafficService } from '../../../backend/services/traffic/service.js';

const net = generateCity({ seed: 7, sizeM: 1500, centre: { lat: 48.137, lon: 11.575 } });
const TEN_YEARS = 10 * 365 * 24 * 3600 * 1000;

test('TrafficService: a fix ten years ahead is dropped; the window steps go on with the wall clock', () => {
  const wall = new ManualClock(1_800_000_000_000);
  const svc = new TrafficService(new SegmentIndex(net), {
    stepMs: 10_000,
    latenessMs: 2000,
    timeBound: { now: () => wall.now(), maxAheadMs: 300_000 },
  });
  const fix = (ts: number) => ({ vin: 'V1', ts, lon: 11.575, lat: 48.137, headingDeg: 0, speedMps: 10 });
  const t0 = wall.now();
  svc.ingestFix(fix(t0));
  assert.deepEqual(svc.ingestFix(fix(t0 + TEN_YEARS)), [], 'no step for the future fix');
  assert.equal(svc.future, 1);
  assert.equal(svc.watermarkMs, t0, 'the watermark did not move');
  wall.advance(30_000);
  const due = svc.ingestFix(fix(wall.now()));
  assert.ok(due.length >= 2, 'the steps still run with the fixes on time');
  const steps = svc.advanceTo(t0 + TEN_YEARS);
  assert.ok(steps.length > 0 && steps.every((s) => s.atMs <= wall.now() + 300_000), 'no step past wall time plus the skew');
  assert.equal(svc.watermarkMs, wall.now() + 300_000, 'advanceTo stops at wall time plus the skew');
  wall.advance(330_000);
  assert.ok(svc.ingestFix(fix(wall.now())).length > 0, 'the steps go on once the wall clock has caught up (5 min at most)');
});

test('TrafficService without a time bound (offline evaluation) follows the records wherever they go', () => {
  const svc = new TrafficService(new SegmentIndex(net), { stepMs: 10_000, latenessMs: 0 });
  svc.advanceTo(TEN_YEARS);
  assert.equal(svc.watermarkMs, TEN_YEARS);
});

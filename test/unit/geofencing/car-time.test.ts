/** The geofencing ticks' clock: wall time plus the latest fix's offset, never more than the allowed skew ahead. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { CarTime } from '../../../backend/services/geofencing/car-time.js';

const TEN_YEARS = 10 * 365 * 24 * 3600 * 1000;

test('CarTime: a fix from the future is refused and does not move the ticks; fixes within the skew do', () => {
  const wall = new ManualClock(1_800_000_000_000);
  const t = new CarTime(300_000);
  assert.equal(t.observe(wall.now() - 2000, wall.now()), true);
  assert.equal(t.tickAt(wall.now()), wall.now() - 2000, 'ticks follow the cars (2 s behind)');
  assert.equal(t.observe(wall.now() + TEN_YEARS, wall.now()), false, 'ten years ahead: refused');
  assert.equal(t.tickAt(wall.now()), wall.now() - 2000, 'and the ticks did not move');
  assert.equal(t.observe(wall.now() + 299_000, wall.now()), true, 'within the skew');
  wall.advance(60_000);
  assert.equal(t.tickAt(wall.now()), wall.now() + 299_000);
  assert.ok(t.tickAt(wall.now()) <= wall.now() + 300_000, 'never past wall time plus the skew');
  const unbounded = new CarTime(0);
  assert.equal(unbounded.observe(wall.now() + TEN_YEARS, wall.now()), true, '0 = no bound (a simulator at speedup > 1)');
});

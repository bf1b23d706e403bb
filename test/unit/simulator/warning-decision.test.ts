import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  detourDraw,
  estimateSpeed,
  MIN_ESTIMATE_SPEED_MPS,
  rejoinOf,
  takesDetour,
  travelTimeS,
  warnedSpanAhead,
} from '../../../simulator/traffic/warning-decision.js';

// segments 0..9, each 100 m long except segment 5 (300 m)
const LEN = Float64Array.from({ length: 10 }, (_, s) => (s === 5 ? 300 : 100));
const ROUTE = Int32Array.of(2, 3, 4, 5, 6, 7, 8);

test('the warned segment is ahead only when it comes later on the route', () => {
  assert.deepEqual(warnedSpanAhead(ROUTE, 0, 5, LEN, 0), { at: 3, last: 3, avoid: [5] });
  assert.deepEqual(warnedSpanAhead(ROUTE, 2, 5, LEN, 0), { at: 3, last: 3, avoid: [5] });
  assert.equal(warnedSpanAhead(ROUTE, 3, 5, LEN, 0), undefined, 'the car is on it already');
  assert.equal(warnedSpanAhead(ROUTE, 4, 5, LEN, 0), undefined, 'behind the car');
  assert.equal(warnedSpanAhead(ROUTE, 0, 9, LEN, 0), undefined, 'not on the route');
  assert.equal(warnedSpanAhead(ROUTE, 0, 2, LEN, 0), undefined, 'its own segment is not ahead');
});

test('the warning covers the route segments that start within its radius of the warned segment', () => {
  // segment 5 is 300 m: a 300 m jam is that segment only; 350 m reaches into 6; 450 m into 7
  assert.deepEqual(warnedSpanAhead(ROUTE, 0, 5, LEN, 300)?.avoid, [5]);
  assert.deepEqual(warnedSpanAhead(ROUTE, 0, 5, LEN, 350)?.avoid, [5, 6]);
  assert.deepEqual(warnedSpanAhead(ROUTE, 0, 5, LEN, 450), { at: 3, last: 5, avoid: [5, 6, 7] });
  assert.deepEqual(warnedSpanAhead(ROUTE, 0, 5, LEN, 10_000), { at: 3, last: 6, avoid: [5, 6, 7, 8] }, 'up to the destination');
});

test('the draw is seeded per car and warning, and the share decides', () => {
  assert.equal(detourDraw('7', 'VIN1', 'w1'), detourDraw('7', 'VIN1', 'w1'));
  assert.notEqual(detourDraw('7', 'VIN1', 'w1'), detourDraw('7', 'VIN1', 'w2'));
  assert.notEqual(detourDraw('7', 'VIN1', 'w1'), detourDraw('7', 'VIN2', 'w1'));
  assert.notEqual(detourDraw('7', 'VIN1', 'w1'), detourDraw('8', 'VIN1', 'w1'));
  let taken = 0;
  for (let i = 0; i < 2000; i++) {
    const d = detourDraw('1', `VIN${i}`, 'tj-1');
    assert.ok(d >= 0 && d < 1);
    assert.equal(takesDetour(0, d), false, 'share 0: nobody');
    assert.equal(takesDetour(1, d), true, 'share 1: everybody');
    if (takesDetour(0.3, d)) taken++;
  }
  assert.ok(taken > 520 && taken < 680, `about 30% take it (${taken} of 2000)`);
});

test('the detour rejoins at the first original segment after the span that it also drives', () => {
  const detour = Int32Array.of(2, 9, 1, 7, 8);
  assert.deepEqual(rejoinOf(ROUTE, 3, detour), { originalIdx: 5, detourIdx: 3 });
  assert.deepEqual(rejoinOf(ROUTE, 5, detour), { originalIdx: 6, detourIdx: 4 }, 'past segment 7: the destination');
  assert.equal(rejoinOf(ROUTE, 3, Int32Array.of(2, 9)), undefined);
});

test('expected travel time: the rest of the current segment, then whole segments up to the target', () => {
  const speed = (s: number): number => (s === 5 ? 2 : 10);
  // on segment 2 at 40 m: 60 m + 100 (3) + 100 (4) at 10 m/s, 300 m (5) at 2 m/s -> 26 + 150
  assert.equal(travelTimeS(ROUTE, 0, 40, 4, LEN, speed), 6 + 10 + 10 + 150);
  assert.equal(travelTimeS(ROUTE, 0, 40, 1, LEN, speed), 6);
  assert.equal(travelTimeS(ROUTE, 2, 0, 2, LEN, speed), 0);
  assert.equal(estimateSpeed(Number.NaN, 13.9), 13.9, 'nothing measured: free flow');
  assert.equal(estimateSpeed(20, 13.9), 13.9, 'never above free flow');
  assert.equal(estimateSpeed(0, 13.9), MIN_ESTIMATE_SPEED_MPS, 'a standstill is slow, not infinite');
  assert.equal(estimateSpeed(4, 13.9), 4);
});

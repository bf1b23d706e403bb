import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEGACY_TRUTH, trueJams } from '../../../eval/traffic/truth.js';
import { detectorOptionsFor } from '../../../backend/services/traffic/config.js';
import { nextSlowRun, TrafficDetector } from '../../../backend/services/traffic/detector.js';
import { generateCity } from '../../../road/city.js';
import { bearingDeg } from '../../../road/geo.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import type { GroundTruthRecord } from '../../../simulator/traffic/ground-truth.js';

/** One segment's 10 s truth windows ending at 10, 20, ... s: speed ratios (of free flow 10) and vehicle counts. */
function windows(ratios: readonly (number | null)[], counts: number | readonly number[] = 3, segmentId = 's'): GroundTruthRecord[] {
  return ratios.map((r, i) => ({
    type: 'segment',
    t: (i + 1) * 10,
    timeMs: (i + 1) * 10_000,
    windowS: 10,
    segmentId,
    count: typeof counts === 'number' ? counts : (counts[i] as number),
    meanSpeedMps: r === null ? null : r * 10,
    freeFlowMps: 10,
  }));
}

test('truth, exitRatio 0.5: a window at 40-50% of free flow does not end an episode; one at 50% does', () => {
  const h = { exitRatio: 0.5 };
  // 30 s slow, one window at 42%, 30 s slow: one 70 s jam (two 30 s pieces before)
  const creeping = windows([0.9, 0.2, 0.3, 0.2, 0.42, 0.1, 0.2, 0.3, 0.9]);
  assert.deepEqual(trueJams(creeping, h), [{ segmentId: 's', startMs: 10_000, endMs: 80_000 }]);
  assert.deepEqual(trueJams(creeping), [], 'the default (no hysteresis) splits it');
  // a window at 50% ends it: two 30 s pieces, no jam
  assert.deepEqual(trueJams(windows([0.9, 0.2, 0.3, 0.2, 0.5, 0.1, 0.2, 0.3, 0.9]), h), []);
  // a null window (no car) ends it too
  assert.deepEqual(trueJams(windows([0.9, 0.2, 0.3, 0.2, null, 0.1, 0.2, 0.3, 0.9]), h), []);
});

test('truth, exitRatio 0.5: trailing windows at 40-50% do not lengthen an episode; leading ones do not start it', () => {
  const h = { exitRatio: 0.5 };
  // 0.45 before and after 50 s of slow windows: 50 s, no jam
  assert.deepEqual(trueJams(windows([0.45, 0.45, 0.2, 0.2, 0.2, 0.2, 0.2, 0.45, 0.45, 0.45, 0.9]), h), []);
  // 60 s slow between them: a jam from the first slow window to the last
  assert.deepEqual(trueJams(windows([0.45, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.45, 0.9]), h), [
    { segmentId: 's', startMs: 10_000, endMs: 70_000 },
  ]);
});

test('truth (0037): a jam needs two vehicles at once at some window of the episode, not at every window', () => {
  const slow = [0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9];
  // one car standing 70 s (a lone breakdown, a car waiting at a yield): no queue, no jam
  assert.deepEqual(trueJams(windows(slow, 1)), []);
  assert.equal(trueJams(windows(slow, 1), LEGACY_TRUTH).length, 1, 'the rule before 0037 counted it');
  // a queue whose count drops to one car for a window: one jam (per-window counting split it)
  const counts = [1, 3, 4, 1, 3, 4, 2, 2, 1];
  assert.deepEqual(trueJams(windows(slow, counts)), [{ segmentId: 's', startMs: 10_000, endMs: 80_000 }]);
  assert.deepEqual(trueJams(windows(slow, counts), { minVehicles: 2, perWindow: true }), [], 'split at the one-car window');
});

test('truth (0037): on a signal approach a jam outlives one signal cycle', () => {
  // 70 s of queue: a red phase of a 90 s cycle and the cars' stopping and starting; cleared by the green
  const red = [0.9, 0.3, 0.1, 0, 0, 0, 0.1, 0.3, 0.9];
  const signalSegments = new Set(['s']);
  assert.equal(trueJams(windows(red)).length, 1, 'without the cycle: a 70 s jam');
  assert.deepEqual(trueJams(windows(red), { signalSegments, signalMinDurationS: 90 }), [], 'one 90 s cycle: signal delay');
  assert.equal(trueJams(windows(red, 3, 'other'), { signalSegments, signalMinDurationS: 90 }).length, 1, 'not a signal approach');
  // a queue that outlives the cycle is a jam
  const failed = [0.9, ...Array.from({ length: 10 }, () => 0.1), 0.9];
  assert.equal(trueJams(windows(failed), { signalSegments, signalMinDurationS: 90 }).length, 1);
});

test('detector (0037): a slot at 40-50% of free flow holds the run of slow slots, one at 50% resets it', () => {
  assert.equal(nextSlowRun(3, 0.2, 0.5), 4);
  assert.equal(nextSlowRun(3, 0.45, 0.5), 3);
  assert.equal(nextSlowRun(3, 0.5, 0.5), 0);
  assert.equal(nextSlowRun(3, 0.45, 0.4), 0, 'entryHoldRatio 0.4: the strict run of 0014');
});

test('detector (0037): a signal queue creeping at 45% for one slot is confirmed without waiting a new cycle', () => {
  const net = generateCity({ seed: 7, sizeM: 1500, centre: { lat: 48.137, lon: 11.575 } });
  const index = new SegmentIndex(net);
  let s = 0;
  while (net.nodes[net.segTo[s] as number]?.signal !== true || (net.segments[s]?.lengthM ?? 0) < 100) s++;
  const seg = net.segments[s] as { id: string; lengthM: number; geometry: readonly (readonly [number, number])[]; freeFlowMps: number };
  const a = seg.geometry[0] as readonly [number, number];
  const b = seg.geometry[seg.geometry.length - 1] as readonly [number, number];
  const heading = bearingDeg(a[0], a[1], b[0], b[1]);
  // four cars queued near the stop line at 20% of free flow, except the slot (30, 40] s at 45%
  const ratioAt = (t: number): number => (t > 30 && t <= 40 ? 0.45 : 0.2);
  const firstJammed = (hold: number): number | undefined => {
    const d = new TrafficDetector(index, { entryHoldRatio: hold });
    for (let t = 1; t <= 150; t++) {
      for (let k = 0; k < 4; k++) {
        const f = (seg.lengthM - 5 - 8 * k) / seg.lengthM;
        d.ingest({
          vin: `Q${k}`,
          ts: t * 1000 - 1,
          lon: a[0] + (b[0] - a[0]) * f,
          lat: a[1] + (b[1] - a[1]) * f,
          headingDeg: heading,
          speedMps: ratioAt(t) * seg.freeFlowMps,
        });
      }
      if (t % 10 === 0 && d.step(t * 1000).statuses.some((x) => x.key === seg.id && x.jammed)) return t;
    }
    return undefined;
  };
  // six slow slots (one 60 s cycle) counted across the held slot: jammed at 70 s, not 100 s
  assert.equal(firstJammed(0.5), 70);
  assert.equal(firstJammed(0.4), 100, 'the strict run restarts after the 45% slot');
});

test('config (0037): traffic.signalCycleS sets the slots a signal approach needs: one cycle', () => {
  assert.deepEqual(detectorOptionsFor({ signalCycleS: 60, stepMs: 10_000 }), { signalConfirmSlots: 6 }, 'the bundled city, as before');
  assert.deepEqual(detectorOptionsFor({ signalCycleS: 90, stepMs: 10_000 }), { signalConfirmSlots: 9 }, "netconvert's static programs");
  assert.deepEqual(detectorOptionsFor({ signalCycleS: 75, stepMs: 10_000 }), { signalConfirmSlots: 8 });
});

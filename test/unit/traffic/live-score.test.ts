import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateCity } from '../../../road/city.js';
import { loadExternalTruth } from '../../../eval/traffic/external-truth.js';
import { scoreLive } from '../../../eval/traffic/live-score.js';
import { trueJams } from '../../../eval/traffic/truth.js';

const net = generateCity({ seed: 7, sizeM: 1500, centre: { lat: 48.137, lon: 11.575 } });
const SEG = 'g4_6-g4_7';
const T0 = Date.UTC(2026, 11, 7, 8);

function edgeData(): string {
  // 10 s intervals 0..300 s; SEG slow (1 m/s, 3 vehicles) from 100 to 200 s
  const parts = ['<?xml version="1.0"?>', '<meandata>'];
  for (let b = 0; b < 300; b += 10) {
    const slow = b >= 100 && b < 200;
    parts.push(`<interval begin="${b}.00" end="${b + 10}.00" id="truth">`);
    parts.push(`<edge id="${SEG}" sampledSeconds="${slow ? 30 : 10}" speed="${slow ? 1 : 12}"/>`);
    parts.push('<edge id="not-in-network" sampledSeconds="10" speed="5"/>');
    parts.push('</interval>');
  }
  parts.push('</meandata>');
  return parts.join('\n');
}

test('external truth: SUMO edgeData and CSV become truth records on the live clock', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-truth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'edgedata.xml'), edgeData());
  const toEpoch = (ms: number): number => T0 + ms;
  const x = loadExternalTruth(join(dir, 'edgedata.xml'), net, toEpoch);
  assert.equal(x.format, 'edgedata');
  assert.equal(x.unknownSegments, 30);
  assert.equal(x.records.length, 30);
  const jams = trueJams(x.records);
  assert.deepEqual(jams, [{ segmentId: SEG, startMs: T0 + 100_000, endMs: T0 + 200_000 }]);
  assert.equal(x.records[12]?.count, 3);
  assert.deepEqual(trueJams(x.records, { minVehicles: 4 }), [], 'a queue rule on the truth');

  writeFileSync(join(dir, 'truth.csv'), `segment,time,speed\n${SEG},10,12\n${SEG},20,\n${SEG},30,1\n`);
  const c = loadExternalTruth(join(dir, 'truth.csv'), net, toEpoch);
  assert.equal(c.format, 'csv');
  assert.deepEqual(
    c.records.map((r) => [r.timeMs - T0, r.windowS, r.meanSpeedMps]),
    [
      [10_000, 10, 12],
      [20_000, 10, null],
      [30_000, 10, 1],
    ],
  );
  writeFileSync(join(dir, 'bad.csv'), 'seg,t,v\n');
  assert.throws(() => loadExternalTruth(join(dir, 'bad.csv'), net, toEpoch), /header must name segment, time and speed/);
  writeFileSync(join(dir, 'bad2.csv'), `segment,time,speed\n${SEG},ten,1\n`);
  assert.throws(() => loadExternalTruth(join(dir, 'bad2.csv'), net, toEpoch), /bad2\.csv:2: time must be seconds/);
});

test('scoreLive: a detected jam matching the truth, a false alarm, delays, overlap and the timeline', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-truth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'edgedata.xml'), edgeData());
  const truth = loadExternalTruth(join(dir, 'edgedata.xml'), net, (ms) => T0 + ms).records;
  const jam = (id: string, segments: string[]) => ({ id, segments });
  const s = scoreLive({
    jamEvents: [
      { type: 'jam_started', atMs: T0 + 120_000, jam: jam('jam-1', [SEG]) },
      { type: 'jam_cleared', atMs: T0 + 210_000, jam: jam('jam-1', [SEG]) },
      { type: 'jam_started', atMs: T0 + 250_000, jam: jam('jam-2', ['g1_1-g1_2']) },
    ],
    trafficRecords: [
      {
        type: 'segment',
        segmentId: SEG,
        atMs: T0 + 60_000,
        meanSpeedMps: 12,
        freeFlowMps: 13.9,
        forecast: { '5': 11, '10': 11, '15': 11 },
      },
    ],
    truth,
    warmupEndMs: T0,
    endMs: T0 + 300_000,
  });
  assert.equal(s.report.detection.recall, 1);
  assert.equal(s.report.detection.precision, 0.5);
  assert.equal(s.report.detection.median_delay_s, 20);
  assert.deepEqual(
    s.falseAlarms.map((a) => a.jamId),
    ['jam-2'],
  );
  assert.ok(s.report.overlap.true_time_detected > 0.75 && s.report.overlap.true_time_detected < 0.85);
  assert.equal(s.timeline.length, 5);
  assert.equal(s.timeline[2]?.trueSegments, 1);
  assert.equal(s.timeline[2]?.detectedSegments, 1);
  assert.equal(s.forecastsScored, 0, 'a +10 min forecast made at 60 s has no truth at 660 s: not scored');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import { isValidVin } from '../../../protocol/vin.js';
import { parseCsvLines, parseCsvTrace, splitCsvLine } from '../../../simulator/replay/csv.js';
import { parseTraceTimestamp } from '../../../simulator/replay/timestamp.js';
import type { Trace } from '../../../simulator/replay/trace.js';
import { vinForId } from '../../../simulator/replay/vin-map.js';
import { fixture, FIXTURES, rejectsWith, T0, VIN_A, VIN_B, VIN_C } from './fixtures.js';

const HEADER = 'vin,timestamp,lat,lon,speed,heading';
const ROW = `${VIN_A},2026-03-01T08:00:00Z,48.137,11.575,36,90`;

function column(trace: Trace, vin: string, name: 'timeMs' | 'lat' | 'lon' | 'speedMps' | 'headingDeg'): number[] {
  const v = trace.vehicles.find((x) => x.vin === vin);
  assert.ok(v, `vehicle ${vin}`);
  return Array.from(trace[name].subarray(v.start, v.end));
}

test('a CSV trace of three vehicles: grouped per vehicle, sorted, in m/s and epoch ms', async () => {
  const trace = await parseCsvTrace(fixture('trace.csv'));
  assert.equal(trace.format, 'csv');
  assert.deepEqual(
    trace.vehicles.map((v) => [v.vin, v.end - v.start]),
    [
      [VIN_A, 3],
      [VIN_B, 3],
      [VIN_C, 2],
    ],
  );
  assert.deepEqual(column(trace, VIN_A, 'timeMs'), [T0, T0 + 1000, T0 + 2000]);
  assert.deepEqual(column(trace, VIN_C, 'timeMs'), [T0 + 2000, T0 + 4000]);
  assert.deepEqual(column(trace, VIN_A, 'lon'), [11.575, 11.575135, 11.57527]);
  assert.deepEqual(column(trace, VIN_B, 'lat'), [48.14, 48.140045, 48.14009]);
  // km/h -> m/s (stored as float32)
  assert.deepEqual(
    column(trace, VIN_A, 'speedMps').map((s) => Math.round(s * 1e4) / 1e4),
    [10, 10, 15],
  );
  assert.deepEqual(column(trace, VIN_B, 'headingDeg'), [350, 10, 10]);
  assert.deepEqual(trace.stats, { records: 8, fixes: 8, outOfOrder: 0, duplicates: 0, conflicts: 0, mappedIds: 0 });
  assert.deepEqual(trace.warnings, []);
});

test('columns are found by name; BOM, CRLF, comments, quotes, speed_mps and epoch s/ms are read', async () => {
  const trace = await parseCsvTrace(fixture('reordered.csv'));
  assert.equal(trace.vehicles.length, 1);
  assert.deepEqual(Array.from(trace.timeMs), [1_772_352_000_000, 1_772_352_001_500]);
  assert.deepEqual(Array.from(trace.speedMps), [10, 12.5]);
  assert.deepEqual(Array.from(trace.lon), [11.5, 11.5002]);
  assert.deepEqual(Array.from(trace.headingDeg), [90, 90]);
});

test('out-of-order rows are sorted, exact duplicates dropped, repeated timestamps keep the later line; all counted', async () => {
  const trace = await parseCsvTrace(fixture('disorder.csv'));
  assert.deepEqual(Array.from(trace.timeMs), [T0, T0 + 1000, T0 + 2000, T0 + 3000]);
  assert.deepEqual(Array.from(trace.lon), [11.575, 11.5751, 11.5752, 11.5754]);
  assert.equal(Math.round((trace.speedMps[3] as number) * 3.6), 40);
  const v = trace.vehicles[0];
  assert.ok(v);
  assert.deepEqual([v.outOfOrder, v.duplicates, v.conflicts], [3, 1, 1]);
  assert.deepEqual(trace.stats, { records: 6, fixes: 4, outOfOrder: 3, duplicates: 1, conflicts: 1, mappedIds: 0 });
  assert.equal(trace.warnings.length, 1);
  assert.match(
    trace.warnings[0] ?? '',
    /disorder\.csv: vehicle WVWZZZ1J30W000001: 3 out of order \(sorted\), 1 exact duplicate dropped, 1 repeated timestamp with other values \(the later line kept\)$/,
  );
});

test('ids that are not VINs are refused by default, and mapped to valid, deterministic VINs on request', async () => {
  await rejectsWith(
    parseCsvTrace(fixture('ids.csv')),
    'TRACE_INVALID',
    /ids\.csv:2: vehicle id 'truck-7' is not a valid VIN: must be 17 characters \(got 7\)/,
  );
  const a = await parseCsvTrace(fixture('ids.csv'), { vehicleIds: 'map' });
  const b = await parseCsvTrace(fixture('ids.csv'), { vehicleIds: 'map' });
  assert.deepEqual(
    a.vehicles.map((v) => v.sourceId),
    ['truck-7', 'bus 12', VIN_B],
  );
  assert.deepEqual(
    a.vehicles.map((v) => v.vin),
    b.vehicles.map((v) => v.vin),
  );
  assert.equal(a.vehicles[0]?.vin, vinForId('truck-7'));
  assert.equal(a.vehicles[2]?.vin, VIN_B, 'a valid VIN is kept');
  for (const v of a.vehicles) assert.ok(isValidVin(v.vin), v.vin);
  assert.equal(a.stats.mappedIds, 2);
});

test('every malformed file is refused naming the file, the line and the problem', async () => {
  await rejectsWith(
    parseCsvTrace(fixture('bad-lat.csv')),
    'TRACE_INVALID',
    /bad-lat\.csv:3: lat must be between -90 and 90 \(got 123\.4\)$/,
  );
  await rejectsWith(
    parseCsvTrace(fixture('missing-column.csv')),
    'TRACE_INVALID',
    /missing-column\.csv:1: missing column 'heading' \(the header has: vin, timestamp, lat, lon, speed\)$/,
  );
  await rejectsWith(
    parseCsvTrace(fixture('bad-vin.csv')),
    'TRACE_INVALID',
    /bad-vin\.csv:4: vehicle id 'WVWZZZ1JZ0W000001' is not a valid VIN: check digit \(position 9\) is 'Z', expected '3'/,
  );
  await rejectsWith(parseCsvTrace(fixture('empty.csv')), 'TRACE_INVALID', /empty\.csv: the file is empty/);
});

test('a file that cannot be read is TRACE_UNREADABLE', async () => {
  await rejectsWith(parseCsvTrace(fixture('no-such.csv')), 'TRACE_UNREADABLE', /no-such\.csv: no such file$/);
  await rejectsWith(parseCsvTrace(FIXTURES), 'TRACE_UNREADABLE', /replay: is a directory$/);
});

const BAD_ROWS: readonly (readonly [lines: readonly string[], line: number, problem: string])[] = [
  [[HEADER, ROW, `${VIN_A},2026-03-01T08:00:01Z,48.137,11.575,fast,90`], 3, "speed is not a number (got 'fast')"],
  [[HEADER, `${VIN_A},2026-03-01T08:00:01Z,48.137,11.575,-3,90`], 2, 'speed must not be negative (got -3)'],
  [[HEADER, `${VIN_A},2026-03-01T08:00:01Z,48.137,11.575,3,400`], 2, 'heading must be between 0 and 360 (got 400)'],
  [[HEADER, `${VIN_A},2026-03-01T08:00:01Z,48.137,200,3,40`], 2, 'lon must be between -180 and 180 (got 200)'],
  [[HEADER, `${VIN_A},2026-03-01T08:00:01Z,,11.5,3,40`], 2, 'lat is empty'],
  [[HEADER, `${VIN_A},yesterday,48.1,11.5,3,40`], 2, 'timestamp must be ISO 8601, epoch seconds or epoch milliseconds (got yesterday)'],
  [[HEADER, `${VIN_A},2026-02-30T08:00:00Z,48.1,11.5,3,40`], 2, 'timestamp is not a valid date (got 2026-02-30T08:00:00Z)'],
  [
    [HEADER, `${VIN_A},1772352000000000,48.1,11.5,3,40`],
    2,
    'timestamp 1772352000000000 is too large for epoch milliseconds (microseconds are not accepted)',
  ],
  [[HEADER, `${VIN_A},2026-03-01T08:00:00Z,48.1,11.5`], 2, 'expected at least 6 fields, got 4'],
  [[HEADER, `"${VIN_A},2026-03-01T08:00:00Z,48.1,11.5,3,4`], 2, 'unbalanced double quotes'],
  [[HEADER, `,2026-03-01T08:00:00Z,48.1,11.5,3,4`], 2, 'vin is empty'],
  [['vin,timestamp,lat,lat,speed,heading'], 1, "column 'lat' appears twice in the header"],
  [['vin,timestamp,lat,lon,speed,speed_mps,heading'], 1, "give 'speed' (km/h) or 'speed_mps' (m/s), not both"],
];

test('each bad row or header names its line and problem', async () => {
  for (const [lines, line, problem] of BAD_ROWS) {
    await assert.rejects(parseCsvLines(lines, 'inline.csv'), (err: unknown) => {
      assert.ok(isV2xError(err, 'TRACE_INVALID'), String(err));
      assert.equal(err.message, `invalid trace: inline.csv:${line}: ${problem}`);
      return true;
    });
  }
  await rejectsWith(parseCsvLines(['# only a comment', HEADER], 'inline.csv'), 'TRACE_INVALID', /inline\.csv: no fixes after the header$/);
});

test('timestamps: ISO 8601 with or without zone (UTC), epoch seconds or milliseconds by magnitude', () => {
  assert.equal(parseTraceTimestamp('2026-03-01T08:00:00Z'), T0);
  assert.equal(parseTraceTimestamp('2026-03-01 08:00:00'), T0);
  assert.equal(parseTraceTimestamp('2026-03-01T09:00:00+01:00'), T0);
  assert.equal(parseTraceTimestamp('2026-03-01T09:00:00.250+0100'), T0 + 250);
  assert.equal(parseTraceTimestamp('2026-03-01'), Date.UTC(2026, 2, 1));
  assert.equal(parseTraceTimestamp('1772352000'), T0);
  assert.equal(parseTraceTimestamp('1772352000.5'), T0 + 500);
  assert.equal(parseTraceTimestamp('1772352000000'), T0);
  assert.equal(parseTraceTimestamp('0'), 0);
  assert.deepEqual(parseTraceTimestamp(''), { problem: 'timestamp is empty' });
});

test('CSV fields: plain, quoted, quoted with commas and doubled quotes', () => {
  assert.deepEqual(splitCsvLine('a,b,,c'), ['a', 'b', '', 'c']);
  assert.deepEqual(splitCsvLine('"a","b, c","say ""hi"""'), ['a', 'b, c', 'say "hi"']);
  assert.equal(splitCsvLine('"a,b'), undefined);
});

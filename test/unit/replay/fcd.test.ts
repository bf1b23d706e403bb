import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isV2xError } from '../../../core/errors.js';
import { isValidVin } from '../../../protocol/vin.js';
import { parseFcdChunks, parseFcdTrace } from '../../../simulator/replay/fcd.js';
import { detectTraceFormat, loadTrace } from '../../../simulator/replay/load.js';
import { parseSumoTime } from '../../../simulator/replay/timestamp.js';
import { GENERATED_VIN_PREFIX, vinForId } from '../../../simulator/replay/vin-map.js';
import { fixture, rejectsWith, T0, VIN_C } from './fixtures.js';

test('a SUMO FCD geo export: x is lon, y is lat, speed m/s, angle is the heading; persons are ignored', async () => {
  const trace = await parseFcdTrace(fixture('fcd-geo.xml'), { beginEpochMs: T0 });
  assert.equal(trace.format, 'fcd');
  assert.deepEqual(
    trace.vehicles.map((v) => [v.sourceId, v.end - v.start]),
    [
      ['veh0', 3],
      ['flow&1.0', 2],
      [VIN_C, 1],
    ],
  );
  const veh0 = trace.vehicles[0];
  assert.ok(veh0);
  assert.equal(veh0.vin, vinForId('veh0'));
  assert.equal(trace.vehicles[2]?.vin, VIN_C, 'an id that is a VIN is kept');
  for (const v of trace.vehicles) assert.ok(isValidVin(v.vin), v.vin);
  assert.ok(trace.vehicles[1]?.vin.startsWith(GENERATED_VIN_PREFIX));
  assert.deepEqual(Array.from(trace.timeMs.subarray(0, 3)), [T0, T0 + 1000, T0 + 2000]);
  assert.deepEqual(Array.from(trace.lon.subarray(0, 3)), [11.575, 11.575135, 11.575297]);
  assert.deepEqual(Array.from(trace.lat.subarray(0, 3)), [48.137, 48.137, 48.137]);
  assert.deepEqual(Array.from(trace.speedMps.subarray(0, 3)), [10, 12, 14]);
  assert.deepEqual(Array.from(trace.headingDeg.subarray(3, 5)), [355, 5]);
  assert.deepEqual(trace.stats, { records: 6, fixes: 6, outOfOrder: 0, duplicates: 0, conflicts: 0, mappedIds: 2 });
});

test('the scanner reads the same trace whatever the chunk boundaries', async () => {
  const text = await readFile(fixture('fcd-geo.xml'), 'utf8');
  const whole = await parseFcdChunks([text], 'fcd-geo.xml');
  for (const size of [1, 2, 7, 64]) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const split = await parseFcdChunks(chunks, 'fcd-geo.xml');
    assert.deepEqual(split, whole, `chunks of ${size}`);
  }
  // without a begin epoch, times are seconds from the simulation start
  assert.equal(whole.timeMs[0], 0);
});

test('FCD in metres (no --fcd-output.geo) is refused with the fix', async () => {
  await rejectsWith(
    parseFcdTrace(fixture('fcd-metres.xml')),
    'TRACE_INVALID',
    /fcd-metres\.xml:3: vehicle veh0: x=512\.30 y=1034\.20: x and y look like metres, not longitude and latitude: export with sumo --fcd-output\.geo true$/,
  );
});

const V = '<vehicle id="veh0" x="11.5" y="48.1" angle="90" speed="3"/>';
const BAD_FCD: readonly (readonly [xml: string, line: number, problem: string])[] = [
  [
    '<?xml version="1.0"?>\n<routes>\n</routes>',
    2,
    'not a SUMO FCD export: the root element is <routes>, expected <fcd-export> (sumo --fcd-output)',
  ],
  ['<fcd-export>\n<timestep time="0">\n<vehicle id="veh0" x="11.5" y="48.1" angle="90"/>', 3, "vehicle veh0: missing attribute 'speed'"],
  [
    '<fcd-export>\n<timestep time="0">\n<vehicle id="veh0" x="11.5" y="north" angle="90" speed="1"/>',
    3,
    "vehicle veh0: y is not a number (got 'north')",
  ],
  [
    '<fcd-export>\n<timestep time="0">\n<vehicle id="veh0" x="11.5" y="48.1" angle="90" speed="-1"/>',
    3,
    'vehicle veh0: speed must not be negative (got -1)',
  ],
  [`<fcd-export>\n${V}\n</fcd-export>`, 2, '<vehicle> outside a <timestep>'],
  [`<fcd-export>\n<timestep time="soon">\n${V}`, 2, "timestep time is not a number of seconds (got 'soon')"],
  [`<fcd-export>\n<timestep>\n${V}`, 2, "<timestep> has no 'time' attribute"],
  [`<fcd-export>\n<timestep time="0">\n<vehicle x="1" y="2"/>`, 3, "<vehicle> has no 'id'"],
  [`<fcd-export>\n<timestep time="0">\n\n<vehicle id="veh0" x="11.5"`, 4, 'the file ends inside a tag (truncated?)'],
  [`<fcd-export>\n<!-- a comment\n that never ends`, 2, 'the file ends inside a comment (truncated?)'],
  // lines are counted through multi-line comments and tags
  [
    '<fcd-export>\n<!-- a\n b -->\n<timestep\n time="0">\n<vehicle id="veh0"\n x="11.5" y="48.1" angle="90"/>',
    6,
    "vehicle veh0: missing attribute 'speed'",
  ],
];

test('each malformed FCD export names its line and problem', async () => {
  for (const [xml, line, problem] of BAD_FCD) {
    // whole, and one character at a time (every chunk boundary)
    for (const chunks of [[xml], [...xml]]) {
      await assert.rejects(parseFcdChunks(chunks, 'inline.xml'), (err: unknown) => {
        assert.ok(isV2xError(err, 'TRACE_INVALID'), String(err));
        assert.equal(err.message, `invalid trace: inline.xml:${line}: ${problem}`);
        return true;
      });
    }
  }
  await rejectsWith(
    parseFcdChunks(['  \n'], 'inline.xml'),
    'TRACE_INVALID',
    /inline\.xml: no XML elements \(expected a SUMO FCD export\)$/,
  );
  await rejectsWith(
    parseFcdChunks(['<fcd-export>\n<timestep time="0"/>\n</fcd-export>'], 'inline.xml'),
    'TRACE_INVALID',
    /inline\.xml: no vehicle positions/,
  );
  await rejectsWith(
    parseFcdChunks([`<fcd-export><timestep time="0">${V}</timestep></fcd-export>`], 'inline.xml', { vehicleIds: 'vin' }),
    'TRACE_INVALID',
    /inline\.xml:1: vehicle id 'veh0' is not a valid VIN/,
  );
});

test('SUMO times: seconds, or [d:]h:mm:ss as --human-readable-time writes them', () => {
  assert.equal(parseSumoTime('12.50'), 12.5);
  assert.equal(parseSumoTime('0:00:01.50'), 1.5);
  assert.equal(parseSumoTime('1:02:03'), 3723);
  assert.equal(parseSumoTime('1:00:00:00'), 86_400);
  assert.equal(parseSumoTime('later'), undefined);
});

test('loadTrace picks the format from the name, else from the content', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'v2x-replay-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const xml = join(dir, 'fcd-trace');
  const csv = join(dir, 'csv-trace');
  await writeFile(xml, await readFile(fixture('fcd-geo.xml')));
  await writeFile(csv, await readFile(fixture('trace.csv')));
  assert.equal(await detectTraceFormat(xml), 'fcd');
  assert.equal(await detectTraceFormat(csv), 'csv');
  assert.equal(await detectTraceFormat(fixture('fcd-geo.xml')), 'fcd');
  assert.equal(await detectTraceFormat(fixture('trace.csv')), 'csv');
  assert.equal((await loadTrace(xml, { beginEpochMs: T0 })).timeMs[0], T0);
  assert.equal((await loadTrace(csv)).vehicles.length, 3);
  await rejectsWith(loadTrace(csv, { format: 'fcd' }), 'TRACE_INVALID', /csv-trace: no XML elements \(expected a SUMO FCD export\)/);
});

test('a gzipped trace is read through gunzip', async (t) => {
  const { gzipSync } = await import('node:zlib');
  const dir = await mkdtemp(join(tmpdir(), 'v2x-replay-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'fcd.xml.gz');
  await writeFile(path, gzipSync(await readFile(fixture('fcd-geo.xml'))));
  const trace = await loadTrace(path);
  assert.equal(trace.format, 'fcd');
  assert.equal(trace.stats.fixes, 6);
  await writeFile(path, 'not gzip');
  await rejectsWith(loadTrace(path), 'TRACE_UNREADABLE', /fcd\.xml\.gz: incorrect header check/);
});

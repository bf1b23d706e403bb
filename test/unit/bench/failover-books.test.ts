/** The failover benchmark's comparisons (bench/lib/failover-books.ts): pure, on hand-made rows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareGeofenceEvents,
  doubledEvents,
  geofencingSettled,
  incompleteCommands,
  jamsDiff,
  parseJamId,
  type GeofenceEventRow,
  type JamRow,
} from '../../../bench/lib/failover-books.js';
import type { CommandSnapshot } from '../../../backend/services/commands/types.js';
import { assertFence } from '../../../backend/services/geofencing/validate.js';
import { GeofenceReplay, replayDiff } from '../../../bench/lib/failover-replay.js';

const ev = (vin: string, fenceId: string, type: string, ts: number): GeofenceEventRow => ({
  id: `${vin}/${fenceId}/${type}/${ts}`,
  vin,
  fenceId,
  type,
  ts,
});
const jam = (head: string, startMs: number, type = 'jam_started'): JamRow => ({
  id: `jam-${head}-${startMs}/${type}/${startMs}`,
  head,
  type,
  atMs: startMs,
  startMs,
});

test('jam ids: the head segment (which may hold dashes) and the start', () => {
  assert.deepEqual(parseJamId('jam-g2_4-g3_4-1796678270000'), { head: 'g2_4-g3_4', startMs: 1796678270000 });
  assert.deepEqual(parseJamId('jam-17-5000'), { head: '17', startMs: 5000 });
  assert.equal(parseJamId('not-a-jam'), undefined);
});

test('doubled geofence events: the same type twice in a row for a car on a fence, in time order', () => {
  assert.equal(doubledEvents([ev('A', 'f', 'enter', 1), ev('A', 'f', 'exit', 2), ev('A', 'f', 'enter', 3)]), 0);
  assert.equal(doubledEvents([ev('A', 'f', 'enter', 1), ev('A', 'f', 'enter', 2), ev('A', 'g', 'enter', 2)]), 1);
  // out of order in the stream, alternating in time: not doubled
  assert.equal(doubledEvents([ev('A', 'f', 'exit', 5), ev('A', 'f', 'enter', 1)]), 0);
  // dwell between enter and exit is not a repeat
  assert.equal(doubledEvents([ev('A', 'f', 'enter', 1), ev('A', 'f', 'dwell', 2), ev('A', 'f', 'exit', 3)]), 0);
});

test('geofence events of two runs: matched by car, fence and type within each run span', () => {
  const a = [ev('A', 'f', 'enter', 1010), ev('A', 'f', 'exit', 1020), ev('B', 'f', 'enter', 1030), ev('C', 'f', 'enter', 5000)];
  const b = [ev('A', 'f', 'enter', 2011), ev('A', 'f', 'exit', 2022), ev('D', 'f', 'enter', 2040), ev('D', 'f', 'enter', 2050)];
  const r = compareGeofenceEvents(a, { startMs: 1000, lengthMs: 100 }, b, { startMs: 2000, lengthMs: 100 });
  assert.deepEqual(r, { missing: 1, extra: 2, doubled: 1, reference: 3, other: 4 });
});

test('jams of two runs: by head segment and start within a window, the last window of a span left out', () => {
  const w = 60_000;
  const a = [jam('s1', 10_000), jam('s2', 50_000), jam('s3', 100_000), jam('late', 590_000), jam('s1', 10_000, 'jam_updated')];
  const b = [jam('s1', 1_000_000 + 40_000), jam('s2', 1_000_000 + 200_000), jam('s4', 1_000_000 + 100_000)];
  const r = jamsDiff(a, { startMs: 0, lengthMs: 600_000 }, b, { startMs: 1_000_000, lengthMs: 600_000 }, w);
  assert.equal(r.a, 3);
  assert.equal(r.b, 3);
  assert.equal(r.diff, 4, r.unmatched.join(', '));
  assert.ok(r.unmatched.some((u) => u.includes('s2') && u.startsWith('uninterrupted')));
});

test('incomplete commands: those not in a terminal state', () => {
  const c = (id: string, status: CommandSnapshot['status']): [string, CommandSnapshot] => [
    id,
    { commandId: id, status } as CommandSnapshot,
  ];
  assert.equal(incompleteCommands(new Map([c('1', 'SUCCEEDED'), c('2', 'SENT'), c('3', 'TIMED_OUT'), c('4', 'CREATED')])), 2);
});

test("geofence replay: a run's own fixes through the evaluator give the event ids the topic should hold", () => {
  const fence = assertFence({
    id: 'c',
    name: 'circle',
    tags: [],
    geometry: { type: 'Circle', center: [11.575, 48.137], radiusM: 100 },
  });
  const replay = new GeofenceReplay();
  const vin = '1V2XT0S0XNA000001';
  // north to south through the centre, 20 m a second, the fence in place before the first fix; one fix twice
  for (let s = 0; s <= 20; s++) {
    const fix = { vin, seq: s, ts: 1_000_000 + s * 1000, gps: { lat: 48.137 + (200 - 20 * s) / 111_320, lon: 11.575, speedKmh: 72 } };
    replay.add(fix);
    if (s === 10) replay.add(fix);
  }
  const ids = replay.expectedIds([fence], {});
  assert.deepEqual(
    [...ids].map((id) => id.split('/').slice(1, 3).join('/')),
    ['c/enter', 'c/exit'],
  );
  assert.deepEqual(replayDiff(ids, new Set([[...ids][0]!, 'other'])), {
    missing: 1,
    unexpected: 1,
    examples: { missing: [[...ids][1]!], unexpected: ['other'] },
  });
});

test('settled books: the geofencing group without lag and every event read; the restore groups do not count', async () => {
  const readToEnd = { geofenceEventsReadToEnd: async () => true };
  const lag = (main: number) => async () => ({ 'v2x-geofencing': main, 'v2x-geofencing-restore-*': 5000, 'v2x-traffic': 7 });
  assert.equal(await geofencingSettled(lag(0), readToEnd, 'v2x-geofencing', 50), true);
  assert.equal(await geofencingSettled(lag(3), readToEnd, 'v2x-geofencing', 50), false);
  assert.equal(await geofencingSettled(lag(0), { geofenceEventsReadToEnd: async () => false }, 'v2x-geofencing', 50), false);
});

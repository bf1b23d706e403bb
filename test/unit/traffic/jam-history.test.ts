import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JamHistory } from '../../../backend/services/traffic/jam-history.js';
import { replayTimestampsWithin } from '../../../simulator/replay/retention.js';

const jam = (id: string, segments: string[], startedMs: number, lengthM: number, jf = 6) => ({
  id,
  segments,
  lengthM,
  growthMPerMin: 0,
  maxJamFactor: jf,
  startedMs,
  updatedMs: startedMs,
});

test('JamHistory folds a jam into one entry and answers by time range', () => {
  const h = new JamHistory();
  h.add({ type: 'jam_started', atMs: 1000, jam: jam('jam-1', ['a'], 1000, 100) });
  h.add({ type: 'jam_updated', atMs: 2000, jam: jam('jam-1', ['b', 'a'], 1000, 250, 9) });
  h.add({ type: 'jam_predicted', atMs: 2000 });
  h.add({ type: 'jam_started', atMs: 3000, jam: jam('jam-2', ['x'], 3000, 50) });
  h.add({ type: 'jam_cleared', atMs: 4000, jam: jam('jam-1', ['b'], 1000, 120) });
  const all = h.between(0, 10_000);
  assert.deepEqual(
    all.map((e) => [e.id, e.endedMs, e.segments, e.maxLengthM, e.maxJamFactor]),
    [
      ['jam-1', 4000, ['a', 'b'], 250, 9],
      ['jam-2', null, ['x'], 50, 6],
    ],
  );
  assert.deepEqual(
    h.between(4500, 5000).map((e) => e.id),
    ['jam-2'],
    'an ended jam is out of a later range; a live one is in',
  );
  assert.deepEqual(
    h.between(0, 500).map((e) => e.id),
    [],
  );
});

test('JamHistory is bounded: ended jams older than maxAgeMs go', () => {
  const h = new JamHistory({ maxAgeMs: 10_000 });
  h.add({ type: 'jam_started', atMs: 0, jam: jam('old', ['a'], 0, 10) });
  h.add({ type: 'jam_cleared', atMs: 1000, jam: jam('old', ['a'], 0, 10) });
  h.add({ type: 'jam_started', atMs: 20_000, jam: jam('new', ['b'], 20_000, 10) });
  assert.deepEqual(
    h.between(0, 1e9).map((e) => e.id),
    ['new'],
  );
});

test('replayed timestamps older than the Kafka retention are rebased with a warning, never silently kept', () => {
  const DAY = 86_400_000;
  const now = Date.UTC(2026, 11, 7);
  const base = { requested: 'recorded' as const, nowMs: now, retentionMs: DAY, topics: ['telemetry', 'traffic'], speed: 1 };
  const fresh = replayTimestampsWithin({ ...base, firstMs: now - 3_600_000, lastMs: now - 1_800_000 });
  assert.deepEqual(fresh, { timestamps: 'recorded', warning: undefined });
  const old = replayTimestampsWithin({ ...base, firstMs: now - 3 * DAY, lastMs: now - 3 * DAY + 3_600_000 });
  assert.equal(old.timestamps, 'rebased');
  assert.match(old.warning ?? '', /older than the 24 h retention of Kafka topics telemetry, traffic.*rebased/);
  // a long trace played slowly would age past the retention while it plays
  const long = replayTimestampsWithin({ ...base, firstMs: now - 3_600_000, lastMs: now + 0 - 3_600_000 + DAY });
  assert.equal(long.timestamps, 'rebased');
  assert.equal(replayTimestampsWithin({ ...base, requested: 'rebased', firstMs: 0, lastMs: 1 }).timestamps, 'rebased');
});

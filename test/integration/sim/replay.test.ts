/**
 * `v2x sim --replay FILE` against a real Mosquitto: the trace's vehicles connect as cars, and their
 * telemetry arrives per VIN in order (seq and ts increasing) at the trace's interpolated positions;
 * the run ends by itself when the trace is done (exit 0, a summary). A SUMO FCD export replays too.
 * Bad traces exit 2 naming the file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, validateTelemetry, type Telemetry } from '../../../protocol/index.js';
import { loadTrace } from '../../../simulator/replay/load.js';
import { TraceTimeline } from '../../../simulator/replay/timeline.js';
import type { SimSummary } from '../../../simulator/runtime/summary.js';
import { distanceM } from '../../../road/geo.js';
import { emptyKinematics } from '../../../simulator/traffic/kinematics.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { fixture } from '../../unit/replay/fixtures.js';
import { observer, runCli, type Received } from './helpers.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-sim-replay-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const START = Date.UTC(2030, 0, 1, 12);

const telemetryByVin = (messages: readonly Received[]): Map<string, Telemetry[]> => {
  const by = new Map<string, Telemetry[]>();
  for (const m of messages) {
    if (!m.topic.endsWith('/telemetry')) continue;
    const tm = decode('telemetry', m.payload);
    const r = validateTelemetry(tm);
    assert.ok(r.ok, `telemetry validates: ${r.ok ? '' : r.issue.message}`);
    assert.equal(m.topic, `v2x/v1/${tm.vin}/telemetry`);
    const list = by.get(tm.vin) ?? [];
    list.push(tm);
    by.set(tm.vin, list);
  }
  return by;
};

/** `v2x sim` replaying `file` at `speed` into the broker without credentials; `more` flags after. */
const replay = (
  t: Parameters<typeof runCli>[0],
  brokerUrl: string,
  file: string,
  speed: number,
  workers: number,
  more: readonly string[] = [],
) =>
  runCli(t, [
    'sim',
    '--broker',
    brokerUrl,
    '--replay',
    file,
    '--replay-speed',
    String(speed),
    '--credentials',
    'none',
    '--workers',
    String(workers),
    ...more,
  ]);

test('a replayed CSV trace arrives in order', async (t) => {
  const file = fixture('trace.csv');
  const trace = await loadTrace(file);
  const timeline = new TraceTimeline(trace);
  const broker = await startMosquitto(t);
  const obs = await observer(t, broker.url, ['v2x/v1/+/telemetry', 'v2x/v1/+/status']);
  const dir = tempDir(t);
  const summaryFile = join(dir, 'summary.json');
  const speed = 20;
  const rate = 4;
  const run = replay(t, broker.url, file, speed, 2, [
    '--rate',
    String(rate),
    '--start-time',
    new Date(START).toISOString(),
    '--summary-json',
    summaryFile,
  ]);
  assert.equal(await run.exited, 0, run.stderr());
  // every car said goodbye (after its last telemetry) before the run ended
  const vins = timeline.vehicles().map((v) => v.vin);
  for (const vin of vins) {
    await obs.waitFor((m) => m.topic === `v2x/v1/${vin}/status` && (decode('status', m.payload) as { state: string }).state === 'offline');
  }
  const by = telemetryByVin(obs.messages);
  assert.deepEqual([...by.keys()].sort(), [...vins].sort(), 'every vehicle of the trace sent telemetry');
  const kin = emptyKinematics();
  for (const v of timeline.vehicles()) {
    const list = by.get(v.vin)!;
    // one message at the first fix, at `rate` Hz in between, one at the last fix
    const spanS = (v.lastMs - v.firstMs) / 1000;
    const between = list.length - 2;
    assert.ok(
      between >= Math.floor(spanS * rate) - 1 && between <= Math.ceil(spanS * rate),
      `${v.vin}: ${list.length} messages over ${spanS} s`,
    );
    assert.equal(list[0]!.ts, START + (v.firstMs - timeline.startMs), `${v.vin}: the first message is the first fix`);
    assert.equal(list.at(-1)!.ts, START + (v.lastMs - timeline.startMs), `${v.vin}: the last message is the last fix`);
    for (let i = 1; i < list.length; i++) {
      assert.ok(list[i]!.seq > list[i - 1]!.seq, `${v.vin}: seq increases (${list[i - 1]!.seq} -> ${list[i]!.seq})`);
      assert.ok(list[i]!.ts > list[i - 1]!.ts, `${v.vin}: ts increases`);
    }
    // rebased timestamps: the trace's first fix is stamped --start-time, and they run at the recorded pace
    for (const tm of list) {
      const recorded = timeline.startMs + (tm.ts - START);
      assert.ok(recorded >= v.firstMs && recorded <= v.lastMs, `${v.vin}: telemetry only between its first and last fix`);
      timeline.sample(v.index, recorded, kin);
      const d = distanceM(tm.gps.lon, tm.gps.lat, kin.lon, kin.lat);
      assert.ok(d < 2, `${v.vin} at ${tm.ts}: ${d.toFixed(2)} m from the trace`);
      assert.ok(Math.abs(tm.gps.speedKmh - kin.speedMps * 3.6) < 0.1, `${v.vin}: speed follows the trace`);
    }
  }
  const s = JSON.parse(readFileSync(summaryFile, 'utf8')) as SimSummary;
  assert.equal(s.cars, vins.length);
  assert.equal(s.connections.connects, vins.length);
  assert.equal(
    s.messages.published.telemetry,
    [...by.values()].reduce((a, l) => a + l.length, 0),
    'everything published arrived',
  );
  assert.match(run.stdout(), /PUBACK latency/);
});

test('a SUMO FCD export replays, its ids mapped to VINs', async (t) => {
  const file = fixture('fcd-geo.xml');
  const trace = await loadTrace(file);
  const broker = await startMosquitto(t);
  const obs = await observer(t, broker.url, ['v2x/v1/+/telemetry']);
  const run = replay(t, broker.url, file, 20, 1);
  assert.equal(await run.exited, 0, run.stderr());
  const vins = trace.vehicles.map((v) => v.vin);
  assert.ok(vins.includes('V2RRRTKBX3S56CMK0'), 'veh0 has its generated VIN');
  for (const vin of vins) await obs.waitFor((m) => m.topic === `v2x/v1/${vin}/telemetry`);
  const by = telemetryByVin(obs.messages);
  for (const vin of vins) {
    const list = by.get(vin)!;
    for (let i = 1; i < list.length; i++) assert.ok(list[i]!.seq > list[i - 1]!.seq && list[i]!.ts > list[i - 1]!.ts, `${vin} in order`);
  }
  assert.match(run.stderr(), /replay of .*fcd-geo\.xml/);
});

test('a malformed trace exits 2 naming the file and line; a missing one exits 2', async (t) => {
  const bad = runCli(t, ['sim', '--replay', fixture('bad-lat.csv')]);
  assert.equal(await bad.exited, 2);
  assert.match(bad.stderr(), /TRACE_INVALID/);
  assert.match(bad.stderr(), /bad-lat\.csv:3: lat must be between -90 and 90/);
  const missing = runCli(t, ['sim', '--replay', '/nonexistent/trace.csv']);
  assert.equal(await missing.exited, 2);
  assert.match(missing.stderr(), /TRACE_UNREADABLE.*|no such file/);
  const speedup = runCli(t, ['sim', '--replay', fixture('trace.csv'), '--speedup', '5']);
  assert.equal(await speedup.exited, 2);
  assert.match(speedup.stderr(), /--replay-speed/);
});

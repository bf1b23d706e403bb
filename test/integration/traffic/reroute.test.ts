/**
 * The V2X loop closed over MQTT (issue 20 item 5): a real Simulation (150 MQTT cars, a small city
 * with two arterial closures, 10x real time, one worker thread over the shared model thread) drives
 * into the backend's embedded broker; the bridge writes telemetry to a real Kafka; the traffic role
 * detects the jams and warns the cars upstream over MQTT; with sim.rerouteShare 1 every warned car
 * with the jam ahead on its route takes a detour (decided in the model thread), the simulator's
 * ground truth records each decision and the time the car took to where its detour rejoins its
 * route, and `v2x eval traffic --sim-truth` reports the travel time saved from that file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../cli/main.js';
import type { ReroutingReport } from '../../../eval/traffic/reroute-score.js';
import { startBackendOnTestKafka } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { repoPath } from '../../helpers/repo.js';
import { runSim, simSettings } from '../sim/helpers.js';

const SCENARIO = repoPath('test', 'fixtures', 'traffic', 'small-incident.yaml');

/** Rerouted cars that reached their rejoin point, from the ground truth written so far. */
function reroutedAndReached(file: string): number {
  if (!existsSync(file)) return 0;
  let n = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.includes('"reroute_outcome"') && line.includes('"rerouted":true') && line.includes('"outcome":"reached"')) n++;
  }
  return n;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main({ argv, env: {}, stdout, stderr });
  return { code, out, err };
}

test('warned MQTT cars reroute around a live jam, and eval traffic --sim-truth reports the travel time they saved', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-reroute-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const truth = join(dir, 'truth.jsonl');
  const { backend } = await startBackendOnTestKafka(t, {
    'backend.roles': 'broker,bridge,traffic',
    'sim.scenario': SCENARIO,
    'sim.seed': '7',
    'bridge.maxClockSkewMs': 0, // the cars run at 10x: their clocks get minutes ahead of the wall clock
  });
  const settings = simSettings({
    broker: backend.broker?.tcpUrl ?? '',
    cars: 150,
    seed: '7',
    scenario: SCENARIO,
    speedup: 10,
    rate: 0.5,
    workers: 1,
    groundTruth: truth,
    rerouteShare: 1,
    connectTimeoutS: 120, // a loaded machine: the cars' first CONNECTs may take a while
  });
  const sim = runSim(t, settings);

  await waitFor(() => reroutedAndReached(truth) > 0, {
    timeoutMs: 240_000,
    what: 'a warned car that rerouted and reached the point where its detour rejoins its route',
  });
  const summary = await sim.stop();
  assert.ok(summary.warnings.received > 0, 'the cars received warnings over MQTT');
  assert.equal(summary.warnings.invalid, 0);

  const { code, out, err } = await cli(['eval', 'traffic', '--sim-truth', truth, '--json', join(dir, 'report.json')]);
  assert.equal(code, 0, err);
  const lines = out.trim().split('\n');
  const report = (JSON.parse(lines[lines.length - 1] as string) as { rerouting: ReroutingReport }).rerouting;
  assert.ok(report.decisions > 0 && report.rerouted > 0, `decisions ${report.decisions}, rerouted ${report.rerouted}`);
  assert.equal(report.byReason.declined ?? 0, 0, 'share 1: nobody with the jam ahead declines');
  assert.ok(report.saved.count > 0 && report.saved.count <= report.rerouted, `saved over ${report.saved.count} cars`);
  assert.equal(typeof report.saved.totalS, 'number');
  assert.ok(Number.isFinite(report.saved.medianS), `median saved ${report.saved.medianS} s`);
  assert.match(out, new RegExp(`${report.saved.count} rerouted cars reached the rejoin point: total ${report.saved.totalS} s`));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), { rerouting: report });
  t.diagnostic(lines.slice(0, -1).join('\n'));
});

/**
 * `v2x loadtest loadtest/scenarios/smoke.yaml` for real, as a child process, against a real
 * Mosquitto (test/helpers/mosquitto.ts) and the embedded aedes broker (`--broker embedded`: the
 * CLI starts it in a child process) one after another: exit code 0, a JSON report per broker that
 * conforms to the documented schema with every car connected and no message lost, the comparison
 * page, and each HTML report rendered in headless Chromium with its charts drawn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPARE_CHARTS, RUN_CHARTS } from '../../../loadtest/report/charts.js';
import { readReport } from '../../../loadtest/report/json.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { repoPath } from '../../helpers/repo.js';
import { runLoadtestCli, tempDir } from './cli.js';
import { renderAndCheck } from './render.js';

test('smoke.yaml against Mosquitto and the embedded broker: exit 0, JSON per schema, HTML with charts', { timeout: 240_000 }, async (t) => {
  const mosquitto = await startMosquitto(t);
  const out = await tempDir(t, 'lt-smoke-');
  const run = await runLoadtestCli(t, [
    repoPath('loadtest', 'scenarios', 'smoke.yaml'),
    '--broker',
    mosquitto.url,
    '--broker',
    'embedded',
    '--out',
    out,
  ]);
  assert.equal(run.code, 0, `exit code ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);

  const reports = [];
  for (const [name, shot] of [
    [`127.0.0.1_${mosquitto.port}`, 'smoke-mosquitto.png'],
    ['aedes', 'smoke-aedes.png'],
  ] as const) {
    const file = join(out, `${name}.json`);
    assert.ok(existsSync(file), `${file} written (stderr: ${run.stderr})`);
    const r = readReport(await readFile(file, 'utf8'), file); // refuses anything off the schema
    reports.push(r);
    assert.equal(r.scenario.name, 'smoke');
    assert.equal(r.result.exitCode, 0);
    assert.ok(r.thresholds.every((th) => th.pass));
    assert.equal(r.summary.connected.max, 100);
    assert.ok(r.summary.messages.sentByKind['telemetry']! >= 100 * 20, `telemetry sent ${r.summary.messages.sentByKind['telemetry']}`);
    assert.equal(r.summary.sequence.lost, 0);
    assert.equal(r.summary.sequence.cars, 100, 'the probe saw every car');
    assert.equal(r.summary.sequence.distinct, r.summary.messages.sentByKind['telemetry'], 'every telemetry message reached the probe');
    assert.ok(r.summary.latencyMs.e2e.count > 0 && r.summary.latencyMs.puback.count > 0 && r.summary.latencyMs.connect.count >= 100);
    assert.ok(r.timeline.length >= 25, `${r.timeline.length} timeline points`);
    await renderAndCheck(t, await readFile(join(out, `${name}.html`), 'utf8'), RUN_CHARTS, shot);
  }
  assert.deepEqual(
    reports.map((r) => r.broker.name),
    [`127.0.0.1:${mosquitto.port}`, 'aedes'],
  );
  assert.match(run.stdout, /1\. 127\.0\.0\.1:\d+\s+2\. aedes/, 'the side-by-side table');
  await renderAndCheck(t, await readFile(join(out, 'compare.html'), 'utf8'), COMPARE_CHARTS, 'smoke-compare.png');
});

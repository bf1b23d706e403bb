/**
 * `v2x loadtest` exit codes, the CLI run as a child process: 99 when a threshold fails (an
 * impossible bound; an abortOnFail threshold also stops the run early), 2 for a bad scenario with
 * each bad field named, and nothing run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readReport } from '../../../loadtest/report/json.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { runLoadtestCli, tempDir, writeScenario } from './cli.js';

test('an impossible threshold fails the run: exit 99, abortOnFail stops it early', { timeout: 120_000 }, async (t) => {
  const mosquitto = await startMosquitto(t);
  const dir = await tempDir(t, 'lt-99-');
  const file = await writeScenario(
    dir,
    'impossible.yaml',
    `
name: impossible
brokers: [{ name: mosq, url: "mqtt://127.0.0.1:1" }]
fleet: { size: 10 }
stages: [{ duration: 2s, target: 10 }, { duration: 30s, target: 10 }]
thresholds:
  - "sent.count > 1000000000"
  - { expr: "puback_latency.max < 1us", abortOnFail: true, delay: 4s }
`,
  );
  const run = await runLoadtestCli(t, [file, '--broker', mosquitto.url, '--out', dir]);
  assert.equal(run.code, 99, `exit code ${run.code}\nstderr:\n${run.stderr}`);
  const r = readReport(await readFile(join(dir, `127.0.0.1_${mosquitto.port}.json`), 'utf8'));
  assert.equal(r.result.exitCode, 99);
  assert.equal(r.result.pass, false);
  assert.equal(r.result.aborted?.threshold, 'puback_latency.max < 1us');
  assert.ok(r.result.aborted.atMs >= 4000 && r.result.aborted.atMs < 15_000, `aborted at ${r.result.aborted.atMs} ms`);
  assert.deepEqual(
    r.thresholds.map((th) => th.pass),
    [false, false],
  );
  assert.match(run.stdout, /✗ sent\.count > 1000000000/);
});

test('a bad scenario exits 2 naming each bad field, before anything runs', { timeout: 60_000 }, async (t) => {
  const dir = await tempDir(t, 'lt-2-');
  const file = await writeScenario(
    dir,
    'bad.yaml',
    `
name: bad
brokers: [{ url: "mqtt://127.0.0.1:1" }]
fleet: { size: 10, colour: red }
stages: [{ duration: 10s, target: 50 }]
profile: { qos: 3 }
thresholds: ["p99 of everything < 1"]
`,
  );
  const run = await runLoadtestCli(t, [file, '--out', join(dir, 'out')]);
  assert.equal(run.code, 2, `exit code ${run.code}\nstderr:\n${run.stderr}`);
  assert.match(run.stderr, /SCENARIO_INVALID/);
  assert.match(run.stderr, /fleet\.colour: unknown field/);
  assert.match(run.stderr, /profile\.qos: must be one of 0, 1, 2/);

  const fixed = (await readFile(file, 'utf8'))
    .replace('colour: red', 'seed: x')
    .replace('qos: 3', 'qos: 1')
    .replace(/thresholds.*\n/, '');
  await writeFile(file, fixed);
  const run2 = await runLoadtestCli(t, [file, '--out', join(dir, 'out')]);
  assert.equal(run2.code, 2);
  assert.match(run2.stderr, /stages\[0\]\.target: must be at most fleet\.size \(10\)/);

  const run3 = await runLoadtestCli(t, [join(dir, 'missing.yaml')]);
  assert.equal(run3.code, 2);
  assert.match(run3.stderr, /SCENARIO_UNREADABLE/);
});

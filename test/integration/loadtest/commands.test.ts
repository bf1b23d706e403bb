/**
 * The command storm, small and for real: `v2x loadtest` (a child process) against a real backend
 * started here (the embedded broker with authentication and its ACL, the bridge, real Kafka), with
 * remote commands sent over MQTT by the runner's service account and end-to-end latency measured at
 * the backend's Kafka telemetry topic (Kafka brokers from KAFKA_BROKERS, as the CLI reads them).
 * 50 cars, 10 commands a second for about 20 s: exit 0, the command figures and the Kafka e2e
 * figures in the JSON report. And without a service account the broker's refusal is named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readReport } from '../../../loadtest/report/json.js';
import { startBackendOnTestKafka } from '../../helpers/backend.js';
import { repoPath } from '../../helpers/repo.js';
import { runLoadtestCli, tempDir } from './cli.js';

const SERVICE = { username: 'v2x-loadtest', password: 'v2x-loadtest-secret' };

test('a small command storm against the backend: commands over MQTT, e2e at Kafka, exit 0', { timeout: 180_000 }, async (t) => {
  const { config, backend } = await startBackendOnTestKafka(t, { 'backend.roles': 'broker,bridge', 'mqtt.services': [SERVICE] });
  const url = backend.broker?.tcpUrl;
  assert.ok(url !== undefined);
  const dir = await tempDir(t, 'lt-commands-');
  const scenario = join(dir, 'command-storm-small.yaml');
  const bundled = (await readFile(repoPath('loadtest', 'scenarios', 'command-storm.yaml'), 'utf8')).includes('e2e: { probe: kafka }');
  assert.ok(bundled, 'the bundled command storm measures at Kafka too');
  await writeFile(
    scenario,
    stringify({
      name: 'command-storm-small',
      brokers: [{ name: 'backend', url, credentials: { mode: 'fleet-key', fleetKey: config.mqtt.fleetKey }, service: SERVICE }],
      fleet: { size: 50, seed: 'commands-it' },
      stages: [
        { duration: '3s', target: 50 },
        { duration: '17s', target: 50 },
      ],
      profile: {
        qos: 1,
        telemetryHz: 1,
        commands: { perSecond: 10, types: ['lock', 'unlock', 'honk', 'locate'], timeout: '5s' },
        e2e: { probe: 'kafka', kafka: { topicPrefix: config.bridge.topicPrefix } },
      },
      thresholds: ['commands.timeout_rate == 0', 'command_latency.p99 < 5s', 'commands > 100', 'loss == 0', 'e2e_latency.count > 0'],
    }),
  );
  const out = join(dir, 'out');
  const run = await runLoadtestCli(t, [scenario, '--out', out], { ...process.env, KAFKA_BROKERS: config.kafka.brokers.join(',') });
  assert.equal(run.code, 0, `exit code ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);

  const r = readReport(await readFile(join(out, 'backend.json'), 'utf8'));
  const c = r.summary.commands;
  assert.ok(c !== undefined);
  const l = r.summary.latencyMs;
  t.diagnostic(
    `commands ${JSON.stringify(c)}; command p50/p99 ${l.command?.p50}/${l.command?.p99} ms, done p50/p99 ${l.commandDone?.p50}/${l.commandDone?.p99} ms; ` +
      `e2e at Kafka p50/p99 ${l.e2e.p50}/${l.e2e.p99} ms (${l.e2e.count}); puback p99 ${l.puback.p99} ms`,
  );
  assert.ok(c.sent >= 150, `${c.sent} commands sent`);
  assert.equal(c.timedOut, 0);
  assert.equal(c.succeeded + c.failed + c.rejected + c.offline, c.sent, `every command resolved: ${JSON.stringify(c)}`);
  assert.ok(c.succeeded >= c.sent * 0.5, `${c.succeeded} succeeded of ${c.sent}`);
  assert.ok(c.delivered >= c.succeeded, 'each success was delivered first');
  const lat = r.summary.latencyMs;
  assert.ok(lat.command !== undefined && lat.command.count >= c.sent - c.offline, `command latency count ${lat.command?.count}`);
  assert.ok(lat.commandDone !== undefined && lat.commandDone.p50 >= lat.command.p50, 'the final result comes after the first answer');
  // e2e at Kafka: every car's telemetry, each message once, nothing lost
  assert.ok(lat.e2e.count > 0, 'e2e latency measured at Kafka');
  assert.equal(r.summary.sequence.cars, 50);
  assert.equal(r.summary.sequence.lost, 0);
  assert.equal(r.summary.sequence.distinct, r.summary.messages.sentByKind['telemetry'], 'every telemetry message reached Kafka');
  assert.ok(r.summary.messages.sentByKind['commandResult']! >= c.sent, 'the cars answered');
  assert.ok(r.timeline.some((p) => (p.commands ?? 0) > 0));
  assert.match(run.stdout, /command_latency\s/);
  assert.match(run.stdout, /commands\s+[\d,]+\s+[\d.]+\/s\s+delivered/);
  assert.ok(r.thresholds.every((th) => th.pass));
});

test('without a service account the embedded broker refuses the command sender, and the report says so', { timeout: 60_000 }, async (t) => {
  const { backend } = await startBackendOnTestKafka(t, { 'backend.roles': 'broker' });
  const dir = await tempDir(t, 'lt-commands-');
  const scenario = join(dir, 'no-service.yaml');
  await writeFile(
    scenario,
    stringify({
      name: 'no-service',
      brokers: [{ name: 'backend', url: backend.broker?.tcpUrl }],
      fleet: { size: 5 },
      stages: [{ duration: '5s', target: 5 }],
      profile: { commands: { perSecond: 1 }, e2e: { probe: 'none' } },
      thresholds: ['commands.timeout_rate == 0'],
    }),
  );
  const run = await runLoadtestCli(t, [scenario, '--out', join(dir, 'out')]);
  assert.equal(run.code, 2, run.stderr); // MQTT_BAD_CREDENTIALS: a setup problem (core/errors.ts)
  assert.match(
    run.stderr,
    /refused the command sender: give the broker a service account \(brokers\[\]\.service\) \[MQTT_BAD_CREDENTIALS\]/,
  );
});

/**
 * The traffic service on the real pipeline: a real Simulation (150 cars, a small city with two
 * arterial closures, 10x real time) drives MQTT cars into the backend's embedded broker; the bridge
 * writes their telemetry to a real Kafka; the traffic role detects the jams and writes jam_started
 * to the traffic topic, and warnings for the cars upstream to the warnings topic, which the bridge
 * publishes to the cars over MQTT: the simulated cars count what arrives on their warnings topic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from '../../../simulator/runtime/simulation.js';
import { kafkaTopicName, decode } from '../../../protocol/index.js';
import { collect, startBackendOnTestKafka } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { repoPath } from '../../helpers/repo.js';
import { simSettings } from '../sim/helpers.js';

const SCENARIO = repoPath('test', 'fixtures', 'traffic', 'small-incident.yaml');

test('simulated incident -> MQTT -> Kafka -> traffic: jam_started on the jams topic, warnings reach the cars, history over REST', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t, {
    'backend.roles': 'broker,bridge,traffic',
    'sim.scenario': SCENARIO,
    'sim.seed': '7',
    'bridge.maxClockSkewMs': 0, // the cars run at 10x: their clocks get minutes ahead of the wall clock
  });
  const prefix = config.bridge.topicPrefix;
  const traffic = await collect(t, kafka, kafkaTopicName('jams', prefix));
  const warnings = await collect(t, kafka, kafkaTopicName('warnings', prefix));
  const url = backend.broker?.tcpUrl ?? '';

  let warningsReceived = 0;
  const settings = simSettings({ broker: url, cars: 150, seed: '7', scenario: SCENARIO, speedup: 10, rate: 0.5, workers: 1 });
  const simulation = new Simulation(settings);
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  const done = simulation.run({ stopRequested, onUpdate: (_phase, stats) => (warningsReceived = stats.sim.warningsReceived) });
  done.catch(() => undefined);
  t.after(async () => {
    requestStop();
    await done.catch(() => undefined);
  });

  const started = (): unknown[] =>
    traffic.records.map((r) => JSON.parse(r.value?.toString() ?? '{}') as { type?: string }).filter((v) => v.type === 'jam_started');
  await waitFor(() => started().length > 0, { timeoutMs: 90_000, what: 'jam_started on the jams topic' });
  const jam = started()[0] as { jam: { id: string; segments: string[]; lengthM: number } };
  assert.ok(jam.jam.segments.length >= 1 && jam.jam.lengthM > 0);
  assert.equal(
    traffic.records[0]?.key?.toString(),
    (JSON.parse(traffic.records[0]?.value?.toString() ?? '{}') as { jam: { id: string } }).jam.id,
    'keyed by jam id',
  );

  await warnings.until(1, 60_000);
  assert.ok(warnings.records.length > 0, 'no warning on the warnings topic');
  const w = decode('warning', warnings.records[0]?.value ?? Buffer.alloc(0));
  assert.equal(w.type, 'traffic_jam');
  assert.equal(warnings.records[0]?.key, w.vin);
  await waitFor(() => warningsReceived > 0, { timeoutMs: 30_000, what: 'a simulated car receiving a warning over MQTT' });

  const res = await fetch(`${backend.httpUrl}/api/v1/jams`, { headers: { authorization: 'Bearer demo-viewer-token' } });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { jams: unknown[]; predicted: unknown[] };
  assert.ok(Array.isArray(body.jams) && Array.isArray(body.predicted));
  const hist = await fetch(`${backend.httpUrl}/api/v1/jams?from=0`, { headers: { authorization: 'Bearer demo-viewer-token' } });
  assert.equal(hist.status, 200);
  const history = ((await hist.json()) as { history: { id: string; segments: string[] }[] }).history;
  assert.ok(
    history.some((h) => h.id === jam.jam.id && jam.jam.segments.every((s) => h.segments.includes(s))),
    'the jam is in the history',
  );
  const bad = await fetch(`${backend.httpUrl}/api/v1/jams?from=yesterday`, { headers: { authorization: 'Bearer demo-viewer-token' } });
  assert.equal(bad.status, 400);
  const seg = await fetch(`${backend.httpUrl}/api/v1/traffic/segments`, { headers: { authorization: 'Bearer demo-viewer-token' } });
  assert.equal(seg.status, 200);
  assert.ok(((await seg.json()) as { segments: unknown[] }).segments.length > 0);
  const noAuth = await fetch(`${backend.httpUrl}/api/v1/jams`);
  assert.equal(noAuth.status, 401);
});

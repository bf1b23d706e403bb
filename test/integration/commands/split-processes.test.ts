/**
 * The backend split over child processes (app/layout.ts), as the commands bench runs
 * it: two edges (broker and uplink, each with its own car) and the service (command service, API,
 * and the command downlink through its own MQTT session on each edge's broker), joined by a real
 * Kafka. A command POSTed to the service reaches its car, once, through the car's own edge, and
 * comes back SUCCEEDED, its transitions forwarded to the parent; probes give each child's figures;
 * stop() ends every child. A config a child cannot start rejects with the error naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackendProcess, type ForwardedTransition } from '../../../app/backend-process.js';
import { downlinkAccount, edgeConfig, serviceConfig } from '../../../app/layout.js';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, testVin } from '../../helpers/backend.js';
import { isAlive } from '../../helpers/process.js';
import { waitFor } from '../../helpers/poll.js';
import { apiClient, OPERATOR, TOKENS, testCar, waitKnown } from './helpers.js';

test('two edges and a service: each car gets its command once, from its own edge, and it comes back SUCCEEDED', async (t) => {
  const { brokers } = await testKafka(t);
  const vins = [testVin(811), testVin(812)];
  const config = backendConfig(brokers, { 'api.tokens': TOKENS.join(',') });
  const account = downlinkAccount();
  const edges = [await startBackendProcess(edgeConfig(config, account)), await startBackendProcess(edgeConfig(config, account))];
  for (const e of edges) t.after(() => e.stop());
  const transitions: ForwardedTransition[] = [];
  const service = await startBackendProcess(
    serviceConfig(
      config,
      edges.map((e) => e.mqttUrl!),
      account,
    ),
    { onTransition: (tr) => transitions.push(tr) },
  );
  t.after(() => service.stop());
  for (const e of edges) assert.ok(e.mqttUrl?.startsWith('mqtt://'), 'each edge gives its MQTT address');
  assert.notEqual(edges[0]!.mqttUrl, edges[1]!.mqttUrl);
  assert.equal(service.mqttUrl, undefined, 'no broker in the service process');

  // one car on each edge
  const cars = [
    await testCar(t, edges[0]!.mqttUrl!, vins[0]!, config.mqtt.fleetKey, 'succeed'),
    await testCar(t, edges[1]!.mqttUrl!, vins[1]!, config.mqtt.fleetKey, 'succeed'),
  ];
  const api = apiClient(service.httpUrl);
  const ids: string[] = [];
  for (const vin of vins) {
    await waitKnown(api, vin);
    const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'unlock' });
    assert.equal(post.status, 202);
    ids.push(String(post.body.commandId));
  }
  for (const id of ids) {
    const done = await api('GET', `/api/v1/commands/${id}?waitMs=20000`, OPERATOR);
    assert.equal(done.body.status, 'SUCCEEDED');
    // the REST answer and the IPC message that forwards the transition race each other
    const forwarded = () => transitions.filter((tr) => tr.commandId === id).map((tr) => tr.to);
    await waitFor(() => forwarded().includes('SUCCEEDED'), { timeoutMs: 10_000, what: `SUCCEEDED of ${id} forwarded to the parent` });
    assert.deepEqual(forwarded(), ['CREATED', 'SENT', 'DELIVERED', 'SUCCEEDED'], 'every transition reached the parent, in order');
  }
  assert.deepEqual(cars[0]!.received, [ids[0]], 'the first car got its command once, and only its own');
  assert.deepEqual(cars[1]!.received, [ids[1]], 'the second car got its command once, and only its own');

  const probes = await Promise.all([...edges, service].map((p) => p.probe()));
  for (const p of probes.slice(0, 2)) {
    const records = p.metrics.find((m) => m.name === 'v2x_bridge_kafka_records_total');
    assert.ok(records !== undefined && records.values.some((v) => v.value > 0), "each edge bridged its car's records into Kafka");
    assert.ok(p.cpuUs > 0 && p.loopDelayMs.count > 0);
  }
  assert.ok(
    probes[2]!.metrics.some((m) => m.name === 'v2x_commands_produce_seconds'),
    'the command service has its metrics',
  );

  await service.stop();
  for (const e of edges) await e.stop();
  await Promise.all([...edges, service].map((p) => p.done));
  for (const p of [...edges, service]) assert.equal(isAlive(p.pid), false, `process ${p.roles.join('+')} has exited`);
});

test('a backend the child cannot start rejects with the error naming the problem', async () => {
  const config = backendConfig(['127.0.0.1:1']);
  await assert.rejects(
    startBackendProcess({ ...config, backend: { ...config.backend, roles: ['bridge'] } }),
    (err: Error & { code?: string }) => err.code === 'CONFIG_INVALID' && /bridge without broker/.test(err.message),
  );
  await assert.rejects(
    startBackendProcess({
      ...config,
      backend: { ...config.backend, roles: ['bridge'] },
      bridge: { ...config.bridge, uplink: false, commands: false, brokerUrl: 'mqtt://127.0.0.1:1' },
    }),
    (err: Error & { code?: string }) => err.code === 'CONFIG_INVALID' && /bridge\.uplink=false/.test(err.message),
  );
});

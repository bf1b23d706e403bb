/**
 * Two command service instances on one Kafka (one beside the broker and bridge, one alone): a
 * command created on either completes, its state and `?waitMs` answer on both, an idempotency key
 * holds across them, and commands in flight when one instance leaves are completed by the other,
 * each car executing each command once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { apiClient, OPERATOR, TOKENS, testCar, waitKnown, type TestCar } from './helpers.js';

test('commands on two instances: any instance answers, idempotency holds across them, in-flight commands survive one leaving', async (t) => {
  const { brokers } = await testKafka(t);
  const configA = backendConfig(brokers, { 'api.tokens': TOKENS.join(','), 'backend.roles': 'broker,bridge,commands' });
  const configB = backendConfig(brokers, {
    'api.tokens': TOKENS.join(','),
    'backend.roles': 'commands',
    'bridge.topicPrefix': configA.bridge.topicPrefix,
  });
  const { backend: a } = await startTestBackend(t, configA);
  const { backend: b } = await startTestBackend(t, configB);
  const api = [apiClient(a.httpUrl), apiClient(b.httpUrl)] as const;
  const mqttUrl = a.broker!.tcpUrl;

  const vins = Array.from({ length: 8 }, (_, i) => testVin(1500 + i));
  const cars: TestCar[] = [];
  for (const vin of vins) cars.push(await testCar(t, mqttUrl, vin, configA.mqtt.fleetKey, 'succeed'));
  for (const vin of vins) for (const x of api) await waitKnown(x, vin);

  await t.test('created on one instance, completed and awaited on the other', async () => {
    for (const [i, vin] of vins.entries()) {
      const post = await api[i % 2]!('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'unlock' });
      assert.equal(post.status, 202);
      const id = String(post.body.commandId);
      const done = await api[(i + 1) % 2]!('GET', `/api/v1/commands/${id}?waitMs=20000`, OPERATOR);
      assert.equal(done.status, 200);
      assert.equal(done.body.status, 'SUCCEEDED', `command on ${vin} through the other instance`);
      const same = await api[i % 2]!('GET', `/api/v1/commands/${id}?waitMs=20000`, OPERATOR);
      assert.equal(same.body.status, 'SUCCEEDED');
    }
    for (const car of cars) assert.equal(car.received.length, 1, 'each car executed its command once');
  });

  await t.test('an idempotency key holds across instances', async () => {
    const body = { type: 'set_speed_limit', params: { kmh: 80 }, ttlSeconds: 60, idempotencyKey: 'fleet-1' };
    const first = await api[0]('POST', `/api/v1/vehicles/${vins[0]}/commands`, OPERATOR, body);
    assert.equal(first.status, 202);
    const again = await api[1]('POST', `/api/v1/vehicles/${vins[0]}/commands`, OPERATOR, body);
    assert.equal(again.status, 200, 'a replay on the other instance');
    assert.equal(again.body.commandId, first.body.commandId);
    const other = await api[1]('POST', `/api/v1/vehicles/${vins[0]}/commands`, OPERATOR, { ...body, params: { kmh: 90 } });
    assert.equal(other.status, 409);
  });

  await t.test('commands in flight when an instance leaves are completed by the other, executed once', async () => {
    const silent: TestCar[] = [];
    const silentVins = Array.from({ length: 6 }, (_, i) => testVin(1600 + i));
    for (const vin of silentVins) silent.push(await testCar(t, mqttUrl, vin, configA.mqtt.fleetKey, 'silent'));
    for (const vin of silentVins) for (const x of api) await waitKnown(x, vin);
    const ids: string[] = [];
    for (const [i, vin] of silentVins.entries()) {
      const post = await api[i % 2]!('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'lock', ttlSeconds: 120 });
      assert.equal(post.status, 202);
      ids.push(String(post.body.commandId));
    }
    await waitFor(() => silent.every((c) => c.received.length === 1), { timeoutMs: 20_000, what: 'every silent car holding its command' });
    await b.close();
    for (const [i, car] of silent.entries()) {
      await car.answer({ commandId: ids[i]!, status: 'delivered' });
      await car.answer({ commandId: ids[i]!, status: 'succeeded' });
    }
    for (const id of ids) {
      const done = await api[0]('GET', `/api/v1/commands/${id}?waitMs=30000`, OPERATOR);
      assert.equal(done.body.status, 'SUCCEEDED', `${id} completed by the remaining instance`);
    }
    for (const car of silent) assert.deepEqual(car.received.length, 1, 'no car got its command twice');
  });
});

/**
 * The backend restarted in the middle of a lifecycle: a command DELIVERED before the restart is
 * rebuilt from the compacted command-status topic, completes when the car reports after it, and
 * the car receives the request exactly once over both backend lives.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBackend, testBackendConfig, testVin } from '../../helpers/backend.js';
import { apiClient, OPERATOR, testCar, TOKENS, VIEWER, waitForStatus, waitKnown } from './helpers.js';

/** One life of the backend on `config`: the backend, its API client, and car() to connect the test car to its broker. */
async function startLife(t: TestContext, config: Parameters<typeof startTestBackend>[1], vin: string) {
  const { backend } = await startTestBackend(t, config);
  const car = (behaviour: Parameters<typeof testCar>[4]) => testCar(t, backend.broker!.tcpUrl, vin, config.mqtt.fleetKey, behaviour);
  return { backend, api: apiClient(backend.httpUrl), car };
}

/** The first life, with the API tokens, test car number `n` connected with `behaviour` and known to the backend. */
async function firstLife(t: TestContext, n: number, behaviour: Parameters<typeof testCar>[4]) {
  const config = await testBackendConfig(t, { 'api.tokens': TOKENS.join(',') });
  const vin = testVin(n);
  const first = await startLife(t, config, vin);
  const car = await first.car(behaviour);
  await waitKnown(first.api, vin);
  return { config, vin, first, car };
}

test('backend restarted mid-lifecycle: the command still completes and the car receives it once', async (t) => {
  const { config, vin, first, car: car1 } = await firstLife(t, 301, 'deliver-only');
  let api = first.api;
  const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, {
    type: 'climate_start',
    params: { targetC: 21.5 },
    ttlSeconds: 120,
  });
  assert.equal(post.status, 202);
  const id = String(post.body.commandId);
  await waitForStatus(api, id, 'DELIVERED');
  await first.backend.close();

  const second = await startLife(t, config, vin);
  api = second.api;
  const rebuilt = await api('GET', `/api/v1/commands/${id}`, VIEWER);
  assert.equal(rebuilt.status, 200, 'the command is known at once: the state was rebuilt before serving');
  assert.equal(rebuilt.body.status, 'DELIVERED');
  const car2 = await second.car('silent');
  await car2.answer({ commandId: id, status: 'succeeded' });
  const { body } = await waitForStatus(api, id, 'SUCCEEDED');
  assert.equal(body.sendCount, 1);
  assert.deepEqual(
    [...car1.received, ...car2.received].filter((c) => c === id),
    [id],
    'received once over both lives',
  );
});

test('restart with a command still queued for a sleeping car: resumed, delivered when the car wakes', async (t) => {
  const { config, vin, first, car: sleeper } = await firstLife(t, 302, 'silent');
  let api = first.api;
  await sleeper.sleep();
  let id = '';
  for (let attempt = 0; ; attempt++) {
    const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, {
      type: 'lock',
      ttlSeconds: 120,
      idempotencyKey: `q-${attempt}`,
    });
    id = String(post.body.commandId);
    const got = await api('GET', `/api/v1/commands/${id}`, VIEWER);
    if (got.body.sendCount === 0) break;
    assert.ok(attempt < 50, 'the service never saw the car asleep');
    await api('DELETE', `/api/v1/commands/${id}`, OPERATOR);
  }
  await first.backend.close();

  const second = await startLife(t, config, vin);
  api = second.api;
  assert.equal((await api('GET', `/api/v1/commands/${id}`, VIEWER)).body.status, 'CREATED');
  const woken = await second.car('succeed');
  await waitForStatus(api, id, 'SUCCEEDED');
  assert.deepEqual(
    woken.received.filter((c) => c === id),
    [id],
  );
});

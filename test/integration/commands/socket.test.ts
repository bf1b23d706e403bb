/**
 * Command transitions pushed over socket.io: a dashboard client (socket.io-client, operator token
 * in the handshake) sees CREATED -> SENT -> DELIVERED -> SUCCEEDED for an unlock to a car (a real
 * MQTT client on the embedded broker), in order, with the principal, through the real chain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandTransitionMsg } from '../../../backend/dashboard/hub/events.js';
import { dashboardSocket } from '../../helpers/socket.js';
import { startTestBackend, testBackendConfig, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { apiClient, OPERATOR, testCar, TOKENS, waitKnown } from './helpers.js';

test('socket.io: a dashboard sees CREATED, SENT, DELIVERED, SUCCEEDED of an unlock', async (t) => {
  const config = await testBackendConfig(t, { 'api.tokens': TOKENS.join(',') });
  assert.ok(config.backend.roles.includes('dashboard'), 'the dashboard role runs by default');
  const { backend } = await startTestBackend(t, config);
  const api = apiClient(backend.httpUrl);
  const vin = testVin(501);
  await testCar(t, backend.broker!.tcpUrl, vin, config.mqtt.fleetKey, 'succeed');
  await waitKnown(api, vin);

  const socket = await dashboardSocket(t, backend.httpUrl, OPERATOR);
  const seen: CommandTransitionMsg[] = [];
  socket.on('command', (m) => seen.push(m));

  const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'unlock', ttlSeconds: 30 });
  assert.equal(post.status, 202);
  const id = String(post.body.commandId);
  const mine = (): CommandTransitionMsg[] => seen.filter((m) => m.commandId === id);
  await waitFor(() => mine().some((m) => m.to === 'SUCCEEDED'), {
    timeoutMs: 60_000,
    intervalMs: 20,
    what: `SUCCEEDED of ${id} on socket.io`,
  }).catch(async (err: unknown) => {
    const now = await api('GET', `/api/v1/commands/${id}`, OPERATOR);
    throw new Error(`${String(err)}; seen on socket.io: ${JSON.stringify(mine().map((m) => m.to))}; API says ${String(now.body.status)}`);
  });

  const got = mine();
  assert.deepEqual(
    got.map((m) => [m.from, m.to]),
    [
      [null, 'CREATED'],
      ['CREATED', 'SENT'],
      ['SENT', 'DELIVERED'],
      ['DELIVERED', 'SUCCEEDED'],
    ],
  );
  for (const m of got) {
    assert.equal(m.vin, vin);
    assert.equal(m.type, 'unlock');
    assert.equal(m.principal, 'op');
  }
  assert.ok(
    got.every((m, i) => i === 0 || m.at >= (got[i - 1] as CommandTransitionMsg).at),
    'in order',
  );
});

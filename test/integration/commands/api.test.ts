/**
 * The REST API's contract against a running backend: authorization (401/403), validation (400
 * naming the field and the rule), unknown VIN (404), idempotency (202, 200 replay, 409), cancel
 * (200, then 409), and the OpenAPI document at /api/docs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, startTestBackend, testVin } from '../../helpers/backend.js';
import { apiClient, OPERATOR, TOKENS, VIEWER } from './helpers.js';

test('REST API: auth, validation, 404, idempotency, cancel, OpenAPI', async (t) => {
  const { brokers } = await testKafka(t);
  const vin = testVin(201);
  const config = backendConfig(brokers, { 'api.tokens': TOKENS.join(','), 'commands.knownVins': vin });
  const { backend } = await startTestBackend(t, config);
  const api = apiClient(backend.httpUrl);
  const path = `/api/v1/vehicles/${vin}/commands`;

  await t.test('401 without or with an unknown token, 403 below the role', async () => {
    const none = await api('POST', path, undefined, { type: 'lock' });
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'UNAUTHORIZED');
    assert.equal((await api('GET', path, 'not-a-token-at-all')).status, 401);
    const viewer = await api('POST', path, VIEWER, { type: 'lock' });
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.code, 'FORBIDDEN');
    assert.equal((await api('GET', path, VIEWER)).status, 200, 'a viewer reads');
  });

  await t.test('400 names the field and the rule; 404 for an unknown VIN or command', async () => {
    const badType = await api('POST', path, OPERATOR, { type: 'fly' });
    assert.equal(badType.status, 400);
    assert.equal(badType.body.code, 'COMMAND_UNKNOWN');
    assert.equal((badType.body.details as { field: string }).field, 'type');
    const badParam = await api('POST', path, OPERATOR, { type: 'climate_start', params: { targetC: 40 } });
    assert.equal(badParam.status, 400);
    assert.equal(badParam.body.code, 'COMMAND_PARAMS_INVALID');
    assert.equal((badParam.body.details as { field: string }).field, 'params.targetC');
    assert.match(String((badParam.body.details as { rule: string }).rule), /28/);
    const badTtl = await api('POST', path, OPERATOR, { type: 'lock', ttlSeconds: 0 });
    assert.equal(badTtl.status, 400);
    assert.match(String(badTtl.body.message), /ttlSeconds/);
    const unknown = await api('POST', `/api/v1/vehicles/${testVin(999)}/commands`, OPERATOR, { type: 'lock' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'VEHICLE_NOT_FOUND');
    for (const bad of ['abc', '-1', '60001']) {
      const r = await api('GET', `/api/v1/commands/any?waitMs=${bad}`, VIEWER);
      assert.equal(r.status, 400, `waitMs=${bad}`);
      assert.match(String(r.body.message), /waitMs/);
    }
    const noCmd = await api('GET', '/api/v1/commands/no-such-command', VIEWER);
    assert.equal(noCmd.status, 404);
    assert.equal(noCmd.body.code, 'COMMAND_NOT_FOUND');
  });

  await t.test('idempotency: same key and body -> same command (200); another body -> 409', async () => {
    const body = { type: 'set_speed_limit', params: { kmh: 80 }, ttlSeconds: 60, idempotencyKey: 'valet-1' };
    const first = await api('POST', path, OPERATOR, body);
    assert.equal(first.status, 202);
    const again = await api('POST', path, OPERATOR, {
      ttlSeconds: 60,
      idempotencyKey: 'valet-1',
      params: { kmh: 80 },
      type: 'set_speed_limit',
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.commandId, first.body.commandId);
    const other = await api('POST', path, OPERATOR, { ...body, params: { kmh: 90 } });
    assert.equal(other.status, 409);
    assert.equal(other.body.code, 'CONFLICT');
    const list = await api<{ commands: { commandId: string }[] }>('GET', `${path}?status=${String(first.body.status)}`, VIEWER);
    assert.ok(list.body.commands.some((c) => c.commandId === first.body.commandId));
  });

  await t.test('cancel before delivery (no car answers here): 200 CANCELED, then 409', async () => {
    const post = await api('POST', path, OPERATOR, { type: 'flash_lights', ttlSeconds: 60 });
    const id = String(post.body.commandId);
    // a long poll on an unfinished command answers with its state when the wait runs out
    const t0 = performance.now();
    const pending = await api('GET', `/api/v1/commands/${id}?waitMs=300`, VIEWER);
    assert.equal(pending.status, 200);
    assert.ok(['CREATED', 'SENT'].includes(String(pending.body.status)), String(pending.body.status));
    assert.ok(performance.now() - t0 >= 290, 'held for waitMs');
    // a long poll is woken by the cancel
    const waiting = api('GET', `/api/v1/commands/${id}?waitMs=30000`, VIEWER);
    assert.equal((await api('DELETE', `/api/v1/commands/${id}`, VIEWER)).status, 403);
    const del = await api('DELETE', `/api/v1/commands/${id}`, OPERATOR);
    assert.equal(del.status, 200);
    assert.equal(del.body.status, 'CANCELED');
    assert.equal((await waiting).body.status, 'CANCELED');
    const again = await api('DELETE', `/api/v1/commands/${id}`, OPERATOR);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'CONFLICT');
  });

  await t.test('the OpenAPI document is served, valid JSON, with every path', async () => {
    const res = await fetch(`${backend.httpUrl}/api/docs`);
    assert.equal(res.status, 200);
    const doc = JSON.parse(await res.text()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.match(doc.openapi, /^3\./);
    // the other roles (dashboard, geofencing, traffic) add their paths to the same document
    for (const path of ['/api/v1/commands/{id}', '/api/v1/vehicles/{vin}/commands']) assert.ok(path in doc.paths, `${path} documented`);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/vehicles/{vin}/commands']!).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/commands/{id}']!).sort(), ['delete', 'get']);
  });
});

/**
 * The command routes plugin (backend/services/commands/routes.ts) over app.inject() against a fake
 * command service: the HTTP layer only (auth before validation, status codes, error bodies).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { V2xError } from '../../../core/errors.js';
import { completeVin } from '../../../protocol/index.js';
import { API_V1 } from '../../../backend/api/route.js';
import { plugin } from '../../../backend/http.js';
import { commandRoutes, type CommandApi } from '../../../backend/services/commands/routes.js';
import { FakeCommands, VIN } from './fakes.js';
import { ADMIN, OPERATOR, VIEWER, testHttp, type ErrorReply } from './http.js';

const OTHER_VIN = completeVin('1V2XT0S0XNA000002');

function setup(t: Parameters<typeof testHttp>[0], service: () => CommandApi) {
  return testHttp(t, plugin(commandRoutes, { prefix: API_V1, service, defaultTtlSeconds: 300, maxTtlSeconds: 3600 }));
}

const path = `${API_V1}/vehicles/${VIN}/commands`;

test('commands: an operator sends a command (202, principal recorded); a viewer reads it, without the fingerprint', async (t) => {
  const fake = new FakeCommands();
  const { call } = setup(t, () => fake);
  const post = await call('POST', path, OPERATOR, { type: 'lock' });
  assert.equal(post.status, 202);
  assert.deepEqual(post.body, { commandId: 'cmd-1', status: 'CREATED' });
  assert.equal(fake.created[0]?.principal, 'olga');
  assert.equal(fake.created[0]?.ttlSeconds, 300, 'the default TTL');
  const one = await call('GET', `${API_V1}/commands/cmd-1`, VIEWER);
  assert.equal(one.status, 200);
  assert.equal(one.body.vin, VIN);
  assert.equal('fingerprint' in one.body, false);
  const list = await call<{ commands: unknown[] }>('GET', path, VIEWER);
  assert.equal(list.status, 200);
  assert.equal(list.body.commands.length, 1);
  const del = await call('DELETE', `${API_V1}/commands/cmd-1`, ADMIN);
  assert.equal(del.status, 200);
  assert.equal(del.body.status, 'CANCELED');
  assert.equal(del.body.message, 'by ada', 'the canceling principal');
});

test('commands: 401 without or with an unknown token, before the body is validated', async (t) => {
  const fake = new FakeCommands();
  const { call } = setup(t, () => fake);
  for (const token of [undefined, 'not-a-known-token']) {
    const r = await call<ErrorReply>('POST', path, token, { type: 42, extra: true });
    assert.equal(r.status, 401, String(token));
    assert.equal(r.body.code, 'UNAUTHORIZED');
    assert.equal(r.headers['www-authenticate'], 'Bearer');
  }
  assert.equal((await call('GET', `${API_V1}/commands/x?waitMs=abc`)).status, 401, 'a bad query does not come first either');
  assert.equal(fake.created.length, 0);
});

test('commands: 403 below operator, also with an invalid body', async (t) => {
  const fake = new FakeCommands();
  const { call } = setup(t, () => fake);
  const send = await call<ErrorReply>('POST', path, VIEWER, { type: 'lock' });
  assert.equal(send.status, 403);
  assert.equal(send.body.code, 'FORBIDDEN');
  assert.deepEqual(send.body.details, { needs: 'operator', has: 'viewer' });
  assert.equal((await call('POST', path, VIEWER, { nonsense: 1 })).status, 403);
  assert.equal((await call('DELETE', `${API_V1}/commands/cmd-1`, VIEWER)).status, 403);
  assert.equal(fake.created.length, 0);
});

test('commands: 400 names the field and the rule; 404 for an unknown VIN or command', async (t) => {
  const fake = new FakeCommands();
  const { call } = setup(t, () => fake);
  const zeroTtl = await call<ErrorReply>('POST', path, OPERATOR, { type: 'lock', ttlSeconds: 0 });
  assert.equal(zeroTtl.status, 400);
  assert.equal(zeroTtl.body.code, 'VALIDATION_FAILED');
  assert.deepEqual([zeroTtl.body.details.field, zeroTtl.body.details.rule], ['body.ttlSeconds', 'minimum']);
  const noType = await call<ErrorReply>('POST', path, OPERATOR, {});
  assert.equal(noType.status, 400);
  assert.equal(noType.body.details.field, 'body.type');
  const unknownType = await call<ErrorReply>('POST', path, OPERATOR, { type: 'fly' });
  assert.equal(unknownType.status, 400);
  assert.equal(unknownType.body.code, 'COMMAND_UNKNOWN');
  const longTtl = await call<ErrorReply>('POST', path, OPERATOR, { type: 'lock', ttlSeconds: 3601 });
  assert.equal(longTtl.status, 400);
  assert.match(longTtl.body.message, /ttlSeconds/);
  const shortVin = await call<ErrorReply>('POST', `${API_V1}/vehicles/ABC/commands`, OPERATOR, { type: 'lock' });
  assert.equal(shortVin.status, 400);
  assert.equal(shortVin.body.details.field, 'params.vin');
  const waitMs = await call<ErrorReply>('GET', `${API_V1}/commands/cmd-1?waitMs=60001`, VIEWER);
  assert.equal(waitMs.status, 400);
  assert.match(waitMs.body.message, /waitMs/);
  assert.equal(
    (await call<ErrorReply>('POST', `${API_V1}/vehicles/${OTHER_VIN}/commands`, OPERATOR, { type: 'lock' })).body.code,
    'VEHICLE_NOT_FOUND',
  );
  const none = await call<ErrorReply>('GET', `${API_V1}/commands/nope`, VIEWER);
  assert.equal(none.status, 404);
  assert.equal(none.body.code, 'COMMAND_NOT_FOUND');
  assert.equal(fake.created.length, 0);
});

test('commands: 503 NOT_READY while the service rebuilds', async (t) => {
  const { call } = setup(t, () => {
    throw new V2xError('NOT_READY', 'rebuilding');
  });
  const r = await call<ErrorReply>('GET', path, VIEWER);
  assert.equal(r.status, 503);
  assert.equal(r.body.code, 'NOT_READY');
});

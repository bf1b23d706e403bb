/** Bearer tokens and roles: 401 for missing/unknown tokens, 403 below the role; config refuses malformed entries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasRole, parseTokens, requireRole } from '../../../backend/api/auth.js';
import { isV2xError } from '../../../core/errors.js';
import { loadConfig } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';

const table = parseTokens(['alice:operator:alice-token-1', 'vic:viewer:viewer-token-1', 'root:admin:admin:with:colons']);

test('a known token gives its principal and role', () => {
  assert.deepEqual(table.authenticate('Bearer alice-token-1'), { id: 'alice', role: 'operator' });
  assert.deepEqual(table.authenticate('bearer admin:with:colons'), { id: 'root', role: 'admin' });
});

test('missing, malformed or unknown tokens are UNAUTHORIZED', () => {
  for (const h of [undefined, '', 'Basic abc', 'Bearer', 'Bearer nope-nope-nope', 'Bearer alice-token-']) {
    assert.throws(
      () => table.authenticate(h),
      (e) => isV2xError(e, 'UNAUTHORIZED'),
      String(h),
    );
  }
});

test('roles are ranked viewer < operator < admin; below the role is FORBIDDEN', () => {
  const viewer = table.authenticate('Bearer viewer-token-1');
  const op = table.authenticate('Bearer alice-token-1');
  assert.ok(hasRole(viewer, 'viewer'));
  assert.ok(!hasRole(viewer, 'operator'));
  assert.ok(hasRole(op, 'operator'));
  assert.ok(!hasRole(op, 'admin'));
  assert.throws(
    () => requireRole(viewer, 'operator'),
    (e) => isV2xError(e, 'FORBIDDEN'),
  );
  assert.doesNotThrow(() => requireRole(op, 'viewer'));
});

test('the api config refuses a malformed token entry and takes a list from the environment', () => {
  assert.throws(
    () => loadConfig(configSchema, { flags: { 'api.tokens': 'alice:superuser:abcdefgh' } }),
    (e) => isV2xError(e, 'CONFIG_INVALID') && /api\.tokens/.test(e.message),
  );
  const c = loadConfig(configSchema, { env: { V2X_API__TOKENS: 'a:viewer:aaaaaaaa,b:admin:bbbbbbbb' } });
  assert.deepEqual(c.api.tokens, ['a:viewer:aaaaaaaa', 'b:admin:bbbbbbbb']);
  assert.ok(loadConfig(configSchema, {}).backend.roles.includes('commands'));
});

/** Which public demo credentials a config would use, per role. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';
import { demoCredentials, demoWarning, refuseDemoCredentials } from '../../../cli/demo-credentials.js';
import { isV2xError } from '../../../core/errors.js';

const config = (flags: Record<string, unknown>) => loadConfig(configSchema, { flags });

test('demoCredentials: the fleet key when the broker authenticates, the tokens when an API role runs', () => {
  assert.equal(demoCredentials(config({})).length, 2);
  assert.deepEqual(demoCredentials(config({ 'backend.roles': 'broker,bridge', 'mqtt.fleetKey': 'own-key-1234' })), []);
  assert.deepEqual(demoCredentials(config({ 'backend.roles': 'broker', 'mqtt.auth': false })), [], 'no credentials checked at all');
  const viewerOnly = demoCredentials(
    config({ 'backend.roles': 'traffic', 'api.tokens': 'me:admin:mine-1234,demo-viewer:viewer:demo-viewer-token' }),
  );
  assert.equal(viewerOnly.length, 1);
  assert.match(viewerOnly[0] ?? '', /demo tokens of demo-viewer:/);
  assert.throws(
    () => refuseDemoCredentials(config({}), false),
    (err: unknown) => isV2xError(err, 'DEMO_CREDENTIALS') && err.exitCode === 2 && /mqtt\.fleetKey/.test(err.message),
  );
  refuseDemoCredentials(config({}), true);
  assert.equal(demoWarning(config({ 'mqtt.host': '127.0.0.1', 'backend.httpHost': '127.0.0.1' })), undefined);
  assert.match(demoWarning(config({})) ?? '', /0\.0\.0\.0/);
});

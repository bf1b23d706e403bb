import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';
import { downlinkAccount, edgeConfig, serviceConfig } from '../../../app/layout.js';

const base = loadConfig(configSchema, {
  defaults: { mqtt: { services: [{ username: 'ops', password: 'ops-secret-1' }] } },
  flags: { 'kafka.brokers': 'k:9092', 'bridge.topicPrefix': 'p.' },
});

test('the split layout: the edge bridges the uplink only and lets the downlink account in', () => {
  const account = downlinkAccount();
  assert.ok(account.password.length >= 16, 'a fresh secret per layout');
  assert.notEqual(account.password, downlinkAccount().password);
  const edge = edgeConfig(base, account);
  assert.deepEqual(edge.backend.roles, ['broker', 'bridge']);
  assert.equal(edge.bridge.commands, false, 'commands are forwarded by the service process');
  assert.equal(edge.bridge.uplink, true);
  assert.deepEqual(
    edge.mqtt.services.map((s) => s.username),
    ['ops', account.username],
    'existing service accounts are kept',
  );
  // still a valid config of its own
  assert.doesNotThrow(() => loadConfig(configSchema, { defaults: edge }));
});

test('the split layout: the service forwards commands through its own session on each edge', () => {
  const account = downlinkAccount();
  const service = serviceConfig(base, ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1884'], account, ['dashboard']);
  assert.deepEqual(service.backend.roles, ['bridge', 'commands', 'dashboard']);
  assert.equal(service.bridge.uplink, false, "the cars' messages are bridged on the edge only");
  assert.equal(service.bridge.commands, true);
  assert.equal(service.bridge.brokerUrl, 'mqtt://127.0.0.1:1883,mqtt://127.0.0.1:1884', 'every edge gets the commands');
  assert.equal(service.bridge.username, account.username);
  assert.equal(service.bridge.password, account.password);
  assert.equal(service.bridge.topicPrefix, 'p.', 'both processes share the topics');
  assert.doesNotThrow(() => loadConfig(configSchema, { defaults: service }));
});

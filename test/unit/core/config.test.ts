import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, envNameToPath } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';
import { isV2xError } from '../../../core/errors.js';

function tempFile(t: { after(fn: () => void): void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('defaults fill every section', () => {
  const c = loadConfig(configSchema, {});
  assert.equal(c.log.level, 'info');
  assert.deepEqual(c.kafka.brokers, []);
  assert.equal(c.mqtt.port, 1883);
});

test('precedence: defaults < file < env < flags', (t) => {
  const file = tempFile(t, 'c.yaml', 'mqtt:\n  port: 1000\n  wsPort: 1001\nlog:\n  level: warn\n');
  const fileOnly = loadConfig(configSchema, { file });
  assert.equal(fileOnly.mqtt.port, 1000);
  assert.equal(fileOnly.log.level, 'warn');
  assert.equal(fileOnly.mqtt.host, '0.0.0.0', 'keys the file does not set keep their defaults');

  const withEnv = loadConfig(configSchema, { file, env: { V2X_MQTT__PORT: '2000', LOG_LEVEL: 'debug' } });
  assert.equal(withEnv.mqtt.port, 2000);
  assert.equal(withEnv.mqtt.wsPort, 1001);
  assert.equal(withEnv.log.level, 'debug');

  const withFlags = loadConfig(configSchema, { file, env: { V2X_MQTT__PORT: '2000' }, flags: { 'mqtt.port': '3000' } });
  assert.equal(withFlags.mqtt.port, 3000);
});

test('the config file may come from V2X_CONFIG, and JSON works', (t) => {
  const file = tempFile(t, 'c.json', JSON.stringify({ kafka: { heapMb: 256 } }));
  assert.equal(loadConfig(configSchema, { env: { V2X_CONFIG: file } }).kafka.heapMb, 256);
});

test('KAFKA_BROKERS is split into a list', () => {
  const c = loadConfig(configSchema, { env: { KAFKA_BROKERS: 'a:9092, b:9093' } });
  assert.deepEqual(c.kafka.brokers, ['a:9092', 'b:9093']);
});

test('the result is frozen', () => {
  const c = loadConfig(configSchema, {});
  assert.throws(() => {
    (c.mqtt as { port: number }).port = 1;
  }, TypeError);
  assert.ok(Object.isFrozen(c.kafka.brokers));
});

test('env names map to dotted paths', () => {
  assert.equal(envNameToPath('V2X_KAFKA__HEAP_MB'), 'kafka.heapMb');
  assert.equal(envNameToPath('V2X_CONFIG'), undefined);
  assert.equal(envNameToPath('HOME'), undefined);
});

function refused(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isV2xError(err, 'CONFIG_INVALID'), `expected CONFIG_INVALID, got ${String(err)}`);
    for (const p of parts) assert.match(err.message, new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return true;
  });
}

test('unknown keys are refused, naming the key and where it came from', (t) => {
  const file = tempFile(t, 'c.yaml', 'mqtt:\n  prot: 1\n');
  refused(() => loadConfig(configSchema, { file }), 'mqtt.prot', 'unknown key');
  refused(() => loadConfig(configSchema, { env: { V2X_MQTT__PROT: '1' } }), 'mqtt.prot', 'V2X_MQTT__PROT');
  refused(() => loadConfig(configSchema, { flags: { 'nope.x': '1' } }), 'nope');
});

test('bad values are refused with the key, the rule and the origin', () => {
  refused(() => loadConfig(configSchema, { env: { V2X_MQTT__PORT: 'abc' } }), 'mqtt.port', 'V2X_MQTT__PORT');
  refused(() => loadConfig(configSchema, { flags: { 'mqtt.port': '70000' } }), 'mqtt.port', '65535');
  refused(() => loadConfig(configSchema, { env: { KAFKA_BROKERS: 'no-port' } }), 'kafka.brokers');
  refused(() => loadConfig(configSchema, { flags: { 'log.level': 'loud' } }), 'log.level');
});

test('an unreadable or malformed file is refused', (t) => {
  assert.throws(
    () => loadConfig(configSchema, { file: '/nonexistent/v2x.yaml' }),
    (e: unknown) => isV2xError(e, 'CONFIG_FILE_UNREADABLE'),
  );
  const bad = tempFile(t, 'c.json', '{ nope');
  refused(() => loadConfig(configSchema, { file: bad }), 'not valid JSON');
  const list = tempFile(t, 'c.yaml', '- a\n- b\n');
  refused(() => loadConfig(configSchema, { file: list }), 'object at the top level');
});

test('a union of number literals is read from text', () => {
  assert.equal(loadConfig(configSchema, { env: { V2X_KAFKA__NODES: '3' } }).kafka.nodes, 3);
  refused(() => loadConfig(configSchema, { env: { V2X_KAFKA__NODES: '2' } }), 'kafka.nodes');
});

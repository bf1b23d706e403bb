import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../../core/config/load.js';
import { isV2xError } from '../../../core/errors.js';
import { parseBrokerUrl, parseDuration, resolveSimSettings, simConfigSchema } from '../../../simulator/config.js';
import { processesFor, workersPerProcess } from '../../../simulator/runtime/plan.js';
import { unitHash } from '../../../simulator/runtime/connectivity.js';

const schema = Type.Object({ sim: simConfigSchema });
const load = (flags: Record<string, unknown>) => resolveSimSettings(loadConfig(schema, { flags }).sim);

test('flags become validated settings', () => {
  const s = load({
    'sim.broker': 'mqtts://broker.example:8884',
    'sim.cars': '500',
    'sim.duration': '10m',
    'sim.mqttVersion': '5',
    'sim.qos': '2',
    'sim.shard': '1/4',
    'sim.sourceAddresses': '127.0.0.2,127.0.0.3',
  });
  assert.deepEqual(s.broker, { tls: true, host: 'broker.example', port: 8884 });
  assert.equal(s.cars, 500);
  assert.equal(s.durationMs, 600_000);
  assert.equal(s.protocolVersion, 5);
  assert.equal(s.qos, 2);
  assert.deepEqual(s.shard, { index: 1, count: 4 });
  assert.deepEqual(s.sourceAddresses, ['127.0.0.2', '127.0.0.3']);
});

test('bad values are refused with the key', () => {
  assert.throws(
    () => load({ 'sim.qos': '3' }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /sim\.qos/.test(e.message),
  );
  assert.throws(() => load({ 'sim.mqttVersion': '4' }), /sim\.mqttVersion/);
  assert.throws(() => load({ 'sim.duration': 'soon' }), /sim\.duration/);
  assert.throws(() => load({ 'sim.broker': 'http://x' }), /unsupported scheme/);
  assert.throws(
    () => load({ 'sim.shard': '4/4' }),
    (e: unknown) => isV2xError(e, 'SHARD_INVALID'),
  );
  assert.throws(() => load({ 'sim.parkMinutes': '9,3' }), /parkMinutes/);
  assert.throws(() => load({ 'sim.carz': '1' }), /unknown key/);
});

test('durations and broker URLs', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('30'), 30_000);
  assert.deepEqual(parseBrokerUrl('mqtt://127.0.0.1'), { tls: false, host: '127.0.0.1', port: 1883 });
});

test('processes and workers: at most maxSocketsPerProcess cars per process', () => {
  assert.equal(processesFor({ processes: 0, maxSocketsPerProcess: 18_000 }, 15_000), 1);
  assert.equal(processesFor({ processes: 0, maxSocketsPerProcess: 18_000 }, 100_000), 6);
  assert.equal(processesFor({ processes: 3, maxSocketsPerProcess: 18_000 }, 2), 2);
  assert.equal(workersPerProcess({ workers: 0 }, 1000, 2), 2);
  assert.equal(workersPerProcess({ workers: 4 }, 3, 2), 3);
});

test('the coverage-hole hash is uniform and deterministic', () => {
  let below = 0;
  for (let i = 0; i < 100_000; i++) if (unitHash(42, i, 7) < 0.1) below++;
  assert.ok(below > 9_500 && below < 10_500, `${below}`);
  assert.equal(unitHash(1, 2, 3), unitHash(1, 2, 3));
});

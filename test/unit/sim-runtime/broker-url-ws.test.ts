import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../../core/config/load.js';
import { parseBrokerUrl, resolveSimSettings, simConfigSchema } from '../../../simulator/config.js';
import { webSocketUrl } from '../../../mqtt/transport-ws.js';

const simSettings = (flags: Record<string, unknown>) =>
  resolveSimSettings(
    loadConfig(Type.Object({ sim: simConfigSchema }), { flags: Object.fromEntries(Object.entries(flags).map(([k, v]) => [`sim.${k}`, v])) })
      .sim,
  );

test('ws:// and wss:// broker URLs: host, port, path (default /mqtt), TLS', () => {
  assert.deepEqual(parseBrokerUrl('ws://127.0.0.1:8080/mqtt'), { tls: false, host: '127.0.0.1', port: 8080, websocketPath: '/mqtt' });
  assert.deepEqual(parseBrokerUrl('ws://broker.example'), { tls: false, host: 'broker.example', port: 80, websocketPath: '/mqtt' });
  assert.deepEqual(parseBrokerUrl('wss://broker.example/ws'), { tls: true, host: 'broker.example', port: 443, websocketPath: '/ws' });
  assert.deepEqual(parseBrokerUrl('mqtt://127.0.0.1'), { tls: false, host: '127.0.0.1', port: 1883 });
  assert.equal(webSocketUrl({ host: '::1', port: 9001, websocket: { path: 'mqtt' }, tls: {} }), 'wss://[::1]:9001/mqtt');
});

test('mixing ws:// with mqtt:// brokers, or an unknown scheme, is refused with the reason', () => {
  assert.throws(
    () => simSettings({ broker: 'ws://127.0.0.1:8080/mqtt,mqtt://127.0.0.1:1883' }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /mixes ws:\/\/ and mqtt:\/\//.test(e.message),
  );
  assert.throws(
    () => parseBrokerUrl('http://127.0.0.1'),
    (e: unknown) =>
      isV2xError(e, 'CONFIG_INVALID') && /unsupported scheme http: \(use mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/\)/.test(e.message),
  );
});

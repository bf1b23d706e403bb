import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { SessionEmitter } from '../../../mqtt/events.js';
import { SessionPool } from '../../../mqtt/pool.js';
import { within, until } from './suite.js';

/** A pool that opens its sessions at once, closed after the test. */
function unrampedPool(t: { after(fn: () => unknown): void }): { events: SessionEmitter<string>; pool: SessionPool<string> } {
  const events = new SessionEmitter<string>();
  const pool = new SessionPool<string>({ events, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  return { events, pool };
}

test('TLS with a CA file: connect, publish QoS 1, PUBACK', async (t) => {
  const broker = await startMosquitto(t, { tls: true });
  const { events, pool } = unrampedPool(t);
  const s = pool.add(
    {
      clientId: `tls-${broker.port}`,
      transport: { host: '127.0.0.1', port: broker.port, tls: { ca: broker.caFile! } },
      protocolVersion: 5,
    },
    'tls',
  );
  await pool.start();
  await within(pool.whenConnected(1, 10_000), 'the TLS connection');
  const acked = within(events.next('puback'), 'PUBACK over TLS');
  s.publish('v2x/test/tls', Buffer.from('hello'), 1);
  const [, latency] = await acked;
  assert.ok(latency >= 0);
});

test('TLS without the CA: the certificate is refused and reported as MQTT_CONNECT_FAILED', async (t) => {
  const broker = await startMosquitto(t, { tls: true });
  const { events, pool } = unrampedPool(t);
  const s = pool.add(
    { clientId: `tls-bad-${broker.port}`, transport: { host: '127.0.0.1', port: broker.port, tls: {} }, reconnect: false },
    'tls',
  );
  const failed = within(events.next('error'), 'the TLS failure');
  await pool.start();
  const [, err] = await failed;
  assert.equal(err.code, 'MQTT_CONNECT_FAILED');
  assert.match(err.message, /certificate/i);
  await until(() => s.state === 'closed', 'the session to stop (reconnect: false)');
});

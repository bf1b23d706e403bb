/**
 * Session behaviour that needs to watch the broker's side (aedes in process): keepalive driven by
 * the shared wheel, the connection ramp, the source address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { Aedes, type Client } from 'aedes';
import { ManualClock } from '../../../core/clock.js';
import { SessionEmitter } from '../../../mqtt/events.js';
import { SessionPool } from '../../../mqtt/pool.js';
import { within, until } from './suite.js';

async function aedes(t: { after(fn: () => Promise<void> | void): void }): Promise<{ broker: Aedes; port: number }> {
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => broker.handle(socket));
  server.listen(0, '0.0.0.0');
  await once(server, 'listening');
  t.after(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });
  const address = server.address();
  return { broker, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

test('PINGREQ comes from the shared wheel once the keepalive passes without traffic', async (t) => {
  const { broker, port } = await aedes(t);
  const clock = new ManualClock();
  const pool = new SessionPool<number>({ clock, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  for (let i = 0; i < 20; i++) pool.add({ clientId: `ka-${i}-${port}`, transport: { host: '127.0.0.1', port }, keepalive: 5 }, i);
  await pool.start();
  await within(pool.whenConnected(20, 60_000), '20 sessions connected');
  let pings = 0;
  broker.on('ping', () => pings++);
  clock.advance(4000);
  await new Promise((r) => setImmediate(r));
  assert.equal(pings, 0, 'no PINGREQ before the keepalive');
  clock.advance(1000);
  await until(() => pings === 20, 'one PINGREQ per session');
  await until(() => pool.sessions.every((s) => !s.awaitingPingResponse), 'the PINGRESPs');
  assert.equal(clock.pending(), 1, 'twenty keepalives, one clock interval: the wheel');
  clock.advance(5000);
  await until(() => pings === 40, 'a second round of PINGREQs (PINGRESP cleared the outstanding flag)');
  assert.equal(pool.stats.states.connected, 20);
  assert.deepEqual(pool.stats.errors, {});
});

test('no PINGRESP within the keepalive: the session declares the connection dead and reconnects', async (t) => {
  const { broker, port } = await aedes(t);
  const clock = new ManualClock();
  const events = new SessionEmitter<number>();
  const pool = new SessionPool<number>({ clock, events, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  const s = pool.add(
    {
      clientId: `dead-${port}`,
      transport: { host: '127.0.0.1', port },
      keepalive: 5,
      reconnect: { baseMs: 100, maxMs: 100, jitter: 0, seed: 1 },
    },
    0,
  );
  await pool.start();
  await within(pool.whenConnected(1, 60_000), 'connected');
  // A broker that stops answering: swallow PINGREQs by pausing the broker-side socket.
  const [client] = [...Object.values((broker as unknown as { clients: Record<string, Client> }).clients)];
  (client?.conn as { pause?: () => void } | undefined)?.pause?.();
  const lost = within(events.next('disconnected'), 'the disconnect');
  clock.advance(5000);
  await until(() => s.awaitingPingResponse, 'the PINGREQ');
  clock.advance(5000);
  const [, reason] = await lost;
  assert.equal(reason, 'keepalive-timeout');
  assert.equal(pool.stats.errors['MQTT_KEEPALIVE_TIMEOUT'], 1);
  await until(() => s.state === 'waiting', 'the backoff');
});

test('the pool ramps connections at the configured rate', async (t) => {
  const { port } = await aedes(t);
  const clock = new ManualClock();
  const pool = new SessionPool<number>({ clock, rampPerSecond: 10 });
  t.after(() => pool.close());
  for (let i = 0; i < 30; i++) pool.add({ clientId: `ramp-${i}-${port}`, transport: { host: '127.0.0.1', port } }, i);
  const started = pool.start();
  assert.equal(pool.stats.connectAttempts, 1, 'the first starts at once');
  clock.advance(1000);
  assert.equal(pool.stats.connectAttempts, 11);
  clock.advance(1000);
  assert.equal(pool.stats.connectAttempts, 21);
  clock.advance(1000);
  await started;
  assert.equal(pool.stats.connectAttempts, 30);
  await until(() => pool.stats.states.connected === 30, 'all connected');
});

test('a session can connect from a chosen local source address', async (t) => {
  const { broker, port } = await aedes(t);
  const pool = new SessionPool<number>({ rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  const seen = once(broker, 'clientReady') as Promise<[Client]>;
  pool.add({ clientId: `src-${port}`, transport: { host: '127.0.0.1', port, localAddress: '127.0.0.7' } }, 0);
  await pool.start();
  const [client] = await within(seen, 'the broker to see the client');
  const remote = (client.conn as { remoteAddress?: string }).remoteAddress;
  assert.equal(remote?.replace('::ffff:', ''), '127.0.0.7');
});

test('an unreachable broker gives MQTT_CONNECT_FAILED and the session keeps retrying with backoff', async (t) => {
  const { port } = await aedes(t);
  const clock = new ManualClock();
  const events = new SessionEmitter<number>();
  const pool = new SessionPool<number>({ clock, events, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  // port + 0 is aedes; find a closed port by asking the OS for one and closing it
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const a = probe.address();
  const closedPort = typeof a === 'object' && a !== null ? a.port : 1;
  await new Promise<void>((r) => probe.close(() => r()));
  const s = pool.add(
    {
      clientId: `x-${port}`,
      transport: { host: '127.0.0.1', port: closedPort },
      reconnect: { baseMs: 100, maxMs: 400, jitter: 0, seed: 1 },
    },
    0,
  );
  const failed = within(events.next('error'), 'the connect error');
  await pool.start();
  const [, err] = await failed;
  assert.equal(err.code, 'MQTT_CONNECT_FAILED');
  assert.equal(err.retryable, true);
  await until(() => s.state === 'waiting', 'the backoff wait');
  const again = within(events.next('error'), 'the second attempt');
  clock.advance(100);
  await again;
  assert.equal(pool.stats.connectAttempts, 2);
});

test('close() then start() at once: the old socket closing does not disturb the new connection', async (t) => {
  const { port } = await aedes(t);
  const events = new SessionEmitter<number>();
  const pool = new SessionPool<number>({ events, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  const s = pool.add({ clientId: `restart-${port}`, transport: { host: '127.0.0.1', port } }, 0);
  await pool.start();
  await within(pool.whenConnected(1, 10_000), 'first connection');
  const closed = s.close();
  const again = within(events.next('connected'), 'the second connection');
  s.start();
  await closed;
  await again;
  const acked = within(events.next('puback'), 'PUBACK on the new connection');
  s.publish('v2x/test/restart', Buffer.from('x'), 1);
  await acked;
  assert.equal(s.state, 'connected');
  assert.deepEqual(pool.stats.errors, {});
  assert.equal(pool.stats.states.connected, 1);
});

/**
 * Counters under a reconnect, against real brokers (aedes and Mosquitto): what a `connected` handler
 * publishes (a car's birth) is never counted as resent; publishes lost with a connection count as
 * `retransmitted` only when they go again with DUP (the broker kept the session), else as
 * `republished`; at close every publish ends acknowledged or counted `unacknowledged` / `unsent`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SessionEmitter } from '../../../mqtt/events.js';
import { SessionPool } from '../../../mqtt/pool.js';
import type { MqttSession } from '../../../mqtt/session.js';
import type { SessionOptions } from '../../../mqtt/types.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { startAedes } from './aedes-broker.js';
import { until, within } from './suite.js';

type TestContext = { after(fn: () => Promise<void> | void): void };
interface Broker {
  readonly host: string;
  readonly port: number;
}

/** aedes 1.2 with its in-memory persistence answers a reconnect with session present 0. */
const keepsSessions: Record<string, boolean> = { aedes: false, mosquitto: true };
const brokers: Record<string, (t: TestContext) => Promise<Broker>> = {
  aedes: (t) => startAedes(t),
  mosquitto: (t) => startMosquitto(t),
};

/** A pool with one session that publishes a QoS 1 "birth" on every connect, as a car does. */
function car(t: TestContext, broker: Broker, overrides: Partial<SessionOptions>) {
  const events = new SessionEmitter<string>();
  const pool = new SessionPool<string>({ events, rampPerSecond: Number.POSITIVE_INFINITY });
  let closed = false;
  t.after(() => (closed ? undefined : pool.close()));
  const topic = `v2x/test/${randomBytes(5).toString('hex')}`;
  let connects = 0;
  let present = false;
  events.on('connected', (s, sessionPresent) => {
    connects++;
    present = sessionPresent;
    s.publish(`${topic}/status`, Buffer.from('online'), 1);
  });
  const session = pool.add(
    {
      clientId: `counters-${randomBytes(5).toString('hex')}`,
      transport: { host: broker.host, port: broker.port },
      keepalive: 30,
      reconnect: { baseMs: 20, maxMs: 100, jitter: 0.5, seed: 3 },
      ...overrides,
    },
    'car',
  );
  const stats = pool.stats;
  return {
    pool,
    session,
    stats,
    topic,
    connects: () => connects,
    sessionPresent: () => present,
    close: (drainMs: number) => {
      closed = true;
      return pool.close(drainMs);
    },
    acked: (n: number) => until(() => stats.acked[1] >= n, `${n} PUBACKs (got ${stats.acked[1]})`),
  };
}

/** Publishes n QoS 1 messages and drops the connection before any PUBACK can be read. */
function publishAndDrop(session: MqttSession<string>, topic: string, n: number): void {
  for (let i = 0; i < n; i++) session.publish(`${topic}/telemetry`, Buffer.from(String(i)), 1);
  session.dropConnection();
}

for (const [name, start] of Object.entries(brokers)) {
  describe(`counters under a reconnect (${name})`, () => {
    test('a first connect resends nothing; the birth published on connect is sent once', async (t) => {
      const c = car(t, await start(t), {});
      await c.pool.start();
      await c.acked(1);
      assert.equal(c.stats.sent[1], 1);
      assert.equal(c.stats.retransmitted, 0);
      assert.equal(c.stats.republished, 0);
    });

    test('clean session: lost publishes go again as new publishes (republished), not as retransmissions', async (t) => {
      const c = car(t, await start(t), { clean: true });
      await c.pool.start();
      await c.acked(1);
      publishAndDrop(c.session, c.topic, 3);
      await until(() => c.connects() === 2, 'the reconnect');
      await c.acked(5); // birth, 3 telemetry, birth again
      assert.equal(c.stats.retransmitted, 0);
      assert.equal(c.stats.republished, 3);
      assert.equal(c.stats.sent[1], 5);
      assert.equal(c.stats.acked[1], 5);
      await c.close(5000);
      assert.equal(c.stats.unacknowledged, 0);
      assert.equal(c.stats.unsent, 0);
    });

    test('persistent session: lost publishes go again with DUP and count as retransmitted', async (t) => {
      const c = car(t, await start(t), { clean: false });
      await c.pool.start();
      await c.acked(1);
      publishAndDrop(c.session, c.topic, 3);
      await until(() => c.connects() === 2, 'the reconnect');
      await c.acked(5);
      assert.equal(c.sessionPresent(), keepsSessions[name]);
      // a broker that did not keep the session gets them as new publishes
      assert.equal(c.stats.retransmitted, c.sessionPresent() ? 3 : 0);
      assert.equal(c.stats.republished, c.sessionPresent() ? 0 : 3);
      assert.equal(c.stats.sent[1], 5);
      await c.close(5000);
    });

    test('close awaits the last acknowledgements, or counts what was not acknowledged', async (t) => {
      const broker = await start(t);
      const drained = car(t, broker, {});
      await drained.pool.start();
      await drained.acked(1);
      for (let i = 0; i < 4; i++) drained.session.publish(`${drained.topic}/status`, Buffer.from('offline'), 1);
      await within(drained.close(5000), 'a draining close');
      assert.equal(drained.stats.acked[1], 5);
      assert.equal(drained.stats.unacknowledged, 0);

      const cut = car(t, broker, { inflightWindow: 2 });
      await cut.pool.start();
      await cut.acked(1);
      for (let i = 0; i < 4; i++) cut.session.publish(`${cut.topic}/status`, Buffer.from('offline'), 1);
      await cut.close(0); // no wait: two in flight, two still queued behind the window
      assert.equal(cut.stats.sent[1], 3);
      assert.equal(cut.stats.acked[1] + cut.stats.unacknowledged, 3);
      assert.equal(cut.stats.unsent, 2);
    });
  });
}

/**
 * One suite for the lean MQTT session, run against every real broker (embedded aedes, Mosquitto).
 * No fixed sleeps: every wait is on an event, bounded by a deadline.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock, systemClock, type Clock } from '../../../core/clock.js';
import type { V2xError } from '../../../core/errors.js';
import { SessionEmitter } from '../../../mqtt/events.js';
import { SessionPool } from '../../../mqtt/pool.js';
import type { MqttSession } from '../../../mqtt/session.js';
import { PublishResult, type IncomingMessage, type ProtocolVersion, type SessionOptions } from '../../../mqtt/types.js';

export interface TestBrokerOptions {
  readonly users?: Readonly<Record<string, string>>;
}

export interface TestBroker {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly supportsV5: boolean;
  /** The refusal this broker gives a wrong password (Mosquitto answers "not authorized"). */
  readonly badPasswordCode: 'MQTT_BAD_CREDENTIALS' | 'MQTT_NOT_AUTHORIZED';
  stop(): Promise<void>;
  restart(): Promise<void>;
}

type TestContext = { after(fn: () => Promise<void> | void): void };
export type BrokerFactory = (t: TestContext, options?: TestBrokerOptions) => Promise<TestBroker>;

const DEADLINE_MS = 10_000;

/** Resolves with the promise's value, or fails the test after `ms` with `what` in the message. */
export async function within<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `predicate` every few ms until it holds, failing after `ms`. */
export async function until(predicate: () => boolean, what: string, ms = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function uid(): string {
  return randomBytes(5).toString('hex');
}

interface Harness {
  readonly pool: SessionPool<string>;
  readonly events: SessionEmitter<string>;
  readonly errors: V2xError[];
  session(name: string, overrides?: Partial<SessionOptions>): MqttSession<string>;
  connected(session: MqttSession<string>): Promise<boolean>;
  /** Starts the pool and waits for each session to connect; the sessions' session-present flags. */
  start(...sessions: MqttSession<string>[]): Promise<boolean[]>;
  /** Two sessions with default options, started and connected. */
  pair(a: string, b: string): Promise<[MqttSession<string>, MqttSession<string>]>;
  messages(session: MqttSession<string>, count: number): Promise<IncomingMessage[]>;
}

function harness(t: TestContext, broker: TestBroker, version: ProtocolVersion, clock: Clock = systemClock): Harness {
  const events = new SessionEmitter<string>();
  const errors: V2xError[] = [];
  events.on('error', (_s, err) => errors.push(err));
  const pool = new SessionPool<string>({ clock, events, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  const run = uid();
  return {
    pool,
    events,
    errors,
    session(name, overrides = {}) {
      return pool.add(
        {
          clientId: `${name}-${run}`,
          transport: { host: broker.host, port: broker.port },
          protocolVersion: version,
          keepalive: 30,
          reconnect: { baseMs: 50, maxMs: 200, jitter: 0.5, seed: 7 },
          ...overrides,
        },
        name,
      );
    },
    async connected(session) {
      const [, present] = await within(
        events.next('connected', (s) => s === session),
        `${session.clientId} to connect`,
      );
      return present;
    },
    async start(...sessions) {
      const ready = Promise.all(sessions.map((s) => this.connected(s)));
      await pool.start();
      return ready;
    },
    async pair(a, b) {
      const sessions: [MqttSession<string>, MqttSession<string>] = [this.session(a), this.session(b)];
      await this.start(...sessions);
      return sessions;
    },
    messages(session, count) {
      const got: IncomingMessage[] = [];
      return within(
        new Promise<IncomingMessage[]>((resolve) => {
          const listener = (s: MqttSession<string>, m: IncomingMessage): void => {
            if (s !== session) return;
            got.push(m);
            if (got.length === count) {
              events.off('message', listener);
              resolve(got);
            }
          };
          events.on('message', listener);
        }),
        `${count} messages on ${session.clientId} (got ${got.length})`,
      );
    },
  };
}

export function defineSessionSuite(brokerName: string, startBroker: BrokerFactory): void {
  const versions: ProtocolVersion[] = brokerName === 'aedes' ? [4] : [4, 5];
  for (const version of versions) {
    describe(`lean MQTT session against ${brokerName}, MQTT ${version === 4 ? '3.1.1' : '5'}`, () => {
      /** A harness on a broker started for this test. */
      const open = async (t: TestContext): Promise<Harness> => harness(t, await startBroker(t), version);
      test('connect, subscribe, publish QoS 0/1/2 round trip', async (t) => {
        const h = await open(t);
        const topic = `v2x/test/${uid()}`;
        const [sub, pub] = await h.pair('sub', 'pub');
        assert.deepEqual(await within(sub.subscribe({ topic: `${topic}/#`, qos: 2 }), 'SUBACK'), [2]);
        const acks: number[] = [];
        h.events.on('puback', (s, latencyMs, qos) => {
          if (s === pub) {
            assert.ok(latencyMs >= 0 && latencyMs < DEADLINE_MS);
            acks.push(qos);
          }
        });
        const received = h.messages(sub, 3);
        for (const qos of [0, 1, 2] as const) {
          assert.equal(pub.publish(`${topic}/q${qos}`, Buffer.from(`payload ${qos}`), qos), PublishResult.SENT);
        }
        const msgs = await received;
        const byTopic = new Map(msgs.map((m) => [m.topic, m]));
        for (const qos of [0, 1, 2] as const) {
          const m = byTopic.get(`${topic}/q${qos}`);
          assert.ok(m, `message for QoS ${qos} arrives`);
          assert.equal(m.payload.toString(), `payload ${qos}`);
          assert.equal(m.qos, qos);
        }
        await within(
          (async () => {
            while (acks.length < 2) await h.events.next('puback');
          })(),
          'PUBACK and PUBCOMP',
        );
        assert.deepEqual([...acks].sort(), [1, 2]);
        assert.deepEqual(h.pool.stats.acked, [0, 1, 1]);
        assert.equal(h.pool.stats.pubackLatencyUs.count, 2);
        // after UNSUBACK nothing more arrives: a marker published on a still-subscribed topic comes alone
        await within(sub.unsubscribe(`${topic}/#`), 'UNSUBACK');
        await within(sub.subscribe({ topic: `${topic}/marker`, qos: 1 }), 'SUBACK for the marker');
        const next = h.messages(sub, 1);
        pub.publish(`${topic}/q1`, Buffer.from('not for you'), 1);
        pub.publish(`${topic}/marker`, Buffer.from('marker'), 1);
        const [marker] = await next;
        assert.equal(marker?.topic, `${topic}/marker`);
        assert.deepEqual(h.errors, []);
      });

      test('a small in-flight window holds the rest back and lets them through as PUBACKs come', async (t) => {
        const h = await open(t);
        const topic = `v2x/test/${uid()}/burst`;
        const sub = h.session('sub', { subscriptions: [{ topic, qos: 1 }] });
        const pub = h.session('pub', { inflightWindow: 4, maxQueued: 100 });
        await h.start(sub, pub);
        await within(sub.subscribe({ topic, qos: 1 }), 'SUBACK');
        const got = h.messages(sub, 50);
        let maxInflight = 0;
        h.events.on('puback', (s) => {
          if (s === pub) maxInflight = Math.max(maxInflight, pub.inflight);
        });
        const results = Array.from({ length: 50 }, (_, i) => pub.publish(topic, Buffer.from(String(i)), 1));
        assert.deepEqual(results.slice(0, 4), Array(4).fill(PublishResult.SENT));
        assert.deepEqual(results.slice(4), Array(46).fill(PublishResult.QUEUED));
        assert.equal(pub.inflight, 4);
        const msgs = await got;
        assert.deepEqual(
          msgs.map((m) => Number(m.payload.toString())),
          Array.from({ length: 50 }, (_, i) => i),
          'in order',
        );
        await until(() => h.pool.stats.acked[1] === 50, '50 PUBACKs');
        assert.ok(maxInflight <= 4);
        assert.equal(pub.queued, 0);
      });

      test('retained publish is delivered to a later subscriber', async (t) => {
        const h = await open(t);
        const topic = `v2x/test/${uid()}/status`;
        const pub = h.session('pub');
        const ready = h.connected(pub);
        await h.pool.start();
        await ready;
        const acked = h.events.next('puback', (s) => s === pub);
        pub.publish(topic, Buffer.from('online'), 1, { retain: true });
        await within(acked, 'PUBACK of the retained publish');
        const sub = h.session('sub');
        const subReady = h.connected(sub);
        await h.pool.start();
        await subReady;
        const got = h.messages(sub, 1);
        await within(sub.subscribe({ topic, qos: 1 }), 'SUBACK');
        const [m] = await got;
        assert.equal(m?.payload.toString(), 'online');
        assert.equal(m?.retain, true);
      });

      test('the last will fires when the socket is destroyed', async (t) => {
        const h = await open(t);
        const willTopic = `v2x/test/${uid()}/status`;
        const watcher = h.session('watcher');
        const car = h.session('car', { will: { topic: willTopic, payload: 'offline', qos: 1, retain: false } });
        await h.start(watcher, car);
        await within(watcher.subscribe({ topic: willTopic, qos: 1 }), 'SUBACK');
        const got = h.messages(watcher, 1);
        await car.kill();
        const [will] = await got;
        assert.equal(will?.topic, willTopic);
        assert.equal(will?.payload.toString(), 'offline');
      });

      test('a persistent session receives a QoS 1 message queued while it was offline', async (t) => {
        const broker = await startBroker(t);
        const h = harness(t, broker, version);
        const topic = `v2x/test/${uid()}/cmd/req`;
        const persistent = { clean: false, sessionExpiryInterval: 300 } as const;
        const car = h.session('car', persistent);
        const backend = h.session('backend');
        assert.deepEqual(await h.start(car, backend), [false, false]);
        await within(car.subscribe({ topic, qos: 1 }), 'SUBACK');
        await car.close();
        const acked = h.events.next('puback', (s) => s === backend);
        backend.publish(topic, Buffer.from('unlock'), 1);
        await within(acked, 'PUBACK for the command');
        const got = h.messages(car, 1);
        const again = h.connected(car);
        car.start();
        assert.equal(await again, true, 'the broker kept the session');
        const [m] = await got;
        assert.equal(m?.payload.toString(), 'unlock');
        assert.equal(m?.qos, 1);
      });

      test('reconnects after the broker restarts and delivers what was queued while offline', async (t) => {
        const broker = await startBroker(t);
        const h = harness(t, broker, version);
        // The car runs on a manual clock: it reconnects only when the test moves time on, so the
        // watcher is back and subscribed before the queued messages flow.
        const clock = new ManualClock();
        const carSide = harness(t, broker, version, clock);
        const topic = `v2x/test/${uid()}/telemetry`;
        const watcher = h.session('watcher', { subscriptions: [{ topic, qos: 1 }] });
        const car = carSide.session('car', { reconnect: { baseMs: 1000, maxMs: 1000, jitter: 0, seed: 1 } });
        const ready = Promise.all([h.connected(watcher), carSide.connected(car)]);
        await Promise.all([h.pool.start(), carSide.pool.start()]);
        await ready;
        const lost = within(
          carSide.events.next('disconnected', (s) => s === car),
          'the car to see the broker go',
        );
        await broker.stop();
        const [, reason] = await lost;
        assert.equal(reason, 'connection-lost');
        assert.equal(car.state, 'waiting');
        for (let i = 0; i < 3; i++) assert.equal(car.publish(topic, Buffer.from(`m${i}`), 1), PublishResult.QUEUED);
        assert.equal(car.queued, 3);
        const watcherBack = h.connected(watcher);
        await broker.restart();
        await watcherBack;
        await within(watcher.subscribe({ topic, qos: 1 }), 'SUBACK after the restart');
        const got = h.messages(watcher, 3);
        const carBack = carSide.connected(car);
        clock.advance(1000);
        await carBack;
        const msgs = await got;
        assert.deepEqual(
          msgs.map((m) => m.payload.toString()),
          ['m0', 'm1', 'm2'],
          'queued messages arrive in order',
        );
        await within(
          (async () => {
            while (carSide.pool.stats.acked[1] < 3) await carSide.events.next('puback');
          })(),
          'three PUBACKs',
        );
        assert.equal(car.queued, 0);
        assert.ok(carSide.pool.stats.connects >= 2);
      });

      test('bad credentials give a typed refusal and stop reconnecting', async (t) => {
        const broker = await startBroker(t, { users: { car1: 'secret' } });
        const h = harness(t, broker, version);
        const good = h.session('good', { username: 'car1', password: 'secret' });
        const bad = h.session('bad', { username: 'car1', password: 'wrong' });
        const refused = within(
          h.events.next('error', (s) => s === bad),
          'the refusal',
        );
        const ok = h.connected(good);
        await h.pool.start();
        await ok;
        const [, err] = await refused;
        assert.equal(err.code, broker.badPasswordCode, `refusal is typed (got ${err.code}: ${err.message})`);
        assert.equal(err.retryable, false);
        await until(() => bad.state === 'closed', 'the refused session to close');
        assert.equal(bad.state, 'closed', 'a refused session does not retry');
        assert.equal(h.pool.stats.connectAttempts, 2);
      });

      if (version === 5) {
        test('MQTT 5 request/response: response topic and correlation data round trip', async (t) => {
          const h = await open(t);
          const base = `v2x/test/${uid()}`;
          const [car, backend] = await h.pair('car', 'backend');
          await within(car.subscribe({ topic: `${base}/cmd/req`, qos: 1 }), 'car SUBACK');
          await within(backend.subscribe({ topic: `${base}/cmd/res`, qos: 1 }), 'backend SUBACK');
          let request: IncomingMessage | undefined;
          h.events.on('message', (s, m) => {
            if (s !== car || m.responseTopic === undefined) return;
            request = m;
            car.publish(m.responseTopic, Buffer.from(`done:${m.payload.toString()}`), 1, {
              ...(m.correlationData === undefined ? {} : { correlationData: m.correlationData }),
            });
          });
          const reply = h.messages(backend, 1);
          const correlationData = randomBytes(16);
          backend.publish(`${base}/cmd/req`, Buffer.from('unlock'), 1, {
            responseTopic: `${base}/cmd/res`,
            correlationData,
            messageExpiryInterval: 30,
            contentType: 'application/json',
          });
          const [m] = await reply;
          assert.equal(m?.payload.toString(), 'done:unlock');
          assert.deepEqual(m?.correlationData, correlationData);
          assert.equal(request?.messageExpiryInterval !== undefined && request.messageExpiryInterval <= 30, true);
          assert.equal(request?.contentType, 'application/json');
        });
      }
    });
  }
}

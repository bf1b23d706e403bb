/**
 * The race suspected after a broker restart (docs/reliability.md, "Commands queued during the
 * restart"): a car that connects without a session sends SUBSCRIBE and its `online` birth together,
 * and the embedded broker (aedes) handles the packets of one read side by side, so a backend that
 * answers the birth at once might publish to the car before its subscription is in place. Measured
 * here with the fastest possible backend (a request published to the car's cmd/req the moment the
 * broker routes its `online`) and many cars connecting at once, as after a restart: the count with
 * the birth sent from the `connected` event is reported (it was 300 of 300 when written: the race
 * is not lost on this broker); with the birth sent from afterSubscribed() (what the simulated cars
 * do) every request must arrive, by construction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { mqttConfigSchema } from '../../../backend/broker/config.js';
import { startEmbeddedBroker, type RunningBroker } from '../../../backend/broker/embedded.js';
import { loadConfig } from '../../../core/config/load.js';
import { SessionEmitter, SessionPool, type MqttSession } from '../../../mqtt/index.js';
import { commandRequestTopic, statusTopic } from '../../../protocol/topics.js';
import { testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';

const CARS = 300;
type After = { after(fn: () => unknown): void };

const publish = (b: RunningBroker, vin: string, payload: string, done: () => void): void =>
  b.aedes.publish(
    { cmd: 'publish', topic: commandRequestTopic(vin), payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
    done,
  );

async function broker(t: After): Promise<RunningBroker & { routed: () => number }> {
  const config = loadConfig(Type.Object({ mqtt: mqttConfigSchema }), {
    flags: { 'mqtt.host': '127.0.0.1', 'mqtt.port': 0, 'mqtt.wsPort': 0, 'mqtt.auth': false },
  }).mqtt;
  const b = await startEmbeddedBroker(config);
  t.after(() => b.close());
  // the fastest possible backend: the request goes out the moment the broker routes the car's online
  let routed = 0;
  b.aedes.on('publish', (packet, client) => {
    if (client === null || !packet.topic.endsWith('/status')) return;
    publish(b, packet.topic.split('/')[2] as string, 'request', () => routed++);
  });
  return Object.assign(b, { routed: () => routed });
}

/** CARS cars connect at once without a session; returns how many got the request answering their online. */
async function run(t: After, b: RunningBroker & { routed: () => number }, birthAfterSuback: boolean): Promise<number> {
  const events = new SessionEmitter<number>();
  const [requests, probes] = [new Set<string>(), new Set<string>()];
  let births = 0;
  events.on('message', (s, m) => (m.payload.toString() === 'request' ? requests : probes).add(s.clientId));
  const birth = (s: MqttSession<number>) => {
    births++;
    s.publish(statusTopic(s.clientId), Buffer.from('online'), 1);
  };
  events.on('connected', (s) => (birthAfterSuback ? s.afterSubscribed(() => birth(s)) : birth(s)));
  const pool = new SessionPool<number>({ events, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  for (let i = 0; i < CARS; i++) {
    const vin = testVin(birthAfterSuback ? CARS + i : i);
    pool.add(
      {
        clientId: vin,
        transport: { host: '127.0.0.1', port: b.tcpPort },
        clean: false,
        keepalive: 30,
        subscriptions: [{ topic: commandRequestTopic(vin), qos: 1 }],
      },
      i,
    );
  }
  const routedBefore = b.routed();
  void pool.start();
  await waitFor(() => births === CARS && b.routed() - routedBefore === CARS, { timeoutMs: 60_000, what: `${CARS} births answered` });
  // a probe after every request, on each car's topic (QoS 1, in order): once a car has its probe, a
  // request that was routed to it has arrived too
  for (const s of pool.sessions) publish(b, s.clientId, 'probe', () => {});
  await waitFor(() => probes.size === CARS, { timeoutMs: 60_000, what: 'every probe' });
  await pool.close();
  return requests.size;
}

test('a request answering a car’s online reaches it when the online is sent after the SUBACK', { timeout: 120_000 }, async (t) => {
  const b = await broker(t);
  const before = await run(t, b, false);
  t.diagnostic(`birth from 'connected': ${before} of ${CARS} requests reached their car`);
  const after = await run(t, b, true);
  t.diagnostic(`birth after SUBACK: ${after} of ${CARS} requests reached their car`);
  assert.equal(after, CARS);
});

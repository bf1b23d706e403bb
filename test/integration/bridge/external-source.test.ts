/**
 * The bridge's MQTT.js session on a real Mosquitto (backend/bridge/external-source.ts), with the
 * ingest given by each test (the Kafka side is covered by mosquitto-delivery.test.ts): a QoS 1
 * message is acknowledged only once the ingest resolved (not acknowledged = delivered again to the
 * persistent session), many wait at once (not one at a time), MQTT 5 properties reach a car, the
 * session comes back after a broker restart, a shared group splits the load, refusals fail fast.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { startExternalSource, type ExternalSource, type ExternalSourceOptions } from '../../../backend/bridge/external-source.js';
import type { Ingest } from '../../../backend/bridge/ingest.js';
import { isV2xError } from '../../../core/errors.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../../helpers/poll.js';
import { testVin } from '../../helpers/backend.js';

/** An ingest that records the payloads it gets and resolves them when told, or at once. */
function recordingIngest(hold: boolean): { ingest: Ingest; seen: string[]; release(): void } {
  const seen: string[] = [];
  const waiting: (() => void)[] = [];
  return {
    seen,
    ingest: (_topic, payload) => {
      seen.push(payload.toString());
      return hold ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve();
    },
    release: () => {
      for (const r of waiting.splice(0)) r();
    },
  };
}

type SourceOptions = Partial<ExternalSourceOptions> & Pick<ExternalSourceOptions, 'url' | 'ingest'>;

function open(o: SourceOptions): Promise<ExternalSource> {
  return startExternalSource({ username: '', password: '', shareGroup: '', clientId: 'bridge-test', ...o });
}

async function source(t: TestContext, o: SourceOptions): Promise<ExternalSource> {
  const s = await open(o);
  t.after(() => s.close());
  return s;
}

async function car(t: TestContext, url: string, i: number, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId: testVin(i), reconnectPeriod: 0, ...options });
  t.after(() => c.endAsync(true));
  return c;
}

const telemetry = (i: number): string => `v2x/v1/${testVin(i)}/telemetry`;

/**
 * Opens the persistent session `clientId` again and publishes a marker: what the broker still held
 * for the session arrives first (right after CONNACK), so the marker alone means nothing was held.
 */
async function heldForSession(url: string, clientId: string, c: MqttClient, vin: number, protocolVersion: 4 | 5 = 4): Promise<string[]> {
  const r = recordingIngest(false);
  const s = await open({ url, clientId, protocolVersion, ingest: r.ingest });
  try {
    await c.publishAsync(telemetry(vin), 'marker', { qos: 1 });
    await waitFor(() => r.seen.includes('marker'), { timeoutMs: 10_000, what: 'the marker' });
    return r.seen.filter((p) => p !== 'marker');
  } finally {
    await s.close();
  }
}

test('a QoS 1 message is acknowledged only after the ingest resolved: unresolved, the next session gets it again', async (t) => {
  const mosquitto = await startMosquitto(t);
  const first = recordingIngest(true);
  const a = await open({ url: mosquitto.url, clientId: 'bridge-ack', ingest: first.ingest });
  const c = await car(t, mosquitto.url, 1);
  await c.publishAsync(telemetry(1), 'm1', { qos: 1 });
  await waitFor(() => first.seen.length === 1, { timeoutMs: 10_000, what: 'the bridge to get m1' });
  await a.close();
  first.release(); // the session is gone: this PUBACK goes nowhere (and throws nothing)

  const second = recordingIngest(false);
  const b = await open({ url: mosquitto.url, clientId: 'bridge-ack', ingest: second.ingest });
  await waitFor(() => second.seen.length === 1, { timeoutMs: 10_000, what: 'm1 delivered again' });
  assert.deepEqual(second.seen, ['m1']);
  await b.close();
  // Resolved at once this time, so acknowledged: the broker holds nothing more for the session.
  assert.deepEqual(await heldForSession(mosquitto.url, 'bridge-ack', c, 1), []);
});

test('many messages wait for the ingest at once (not one at a time), in order, and are acknowledged when it resolves', async (t) => {
  const mosquitto = await startMosquitto(t, { extraConfig: ['max_inflight_messages 100'] });
  const held = recordingIngest(true);
  const s = await open({ url: mosquitto.url, clientId: 'bridge-window', ingest: held.ingest });
  const c = await car(t, mosquitto.url, 2);
  await Promise.all(Array.from({ length: 50 }, (_, i) => c.publishAsync(telemetry(2), `m${i}`, { qos: 1 })));
  await waitFor(() => held.seen.length === 50, { timeoutMs: 10_000, what: '50 messages in the ingest, none stored yet' });
  assert.deepEqual(
    held.seen,
    Array.from({ length: 50 }, (_, i) => `m${i}`),
  );
  held.release();
  // The PUBACKs are written once the promises settle; closing right after must not lose them.
  await new Promise((resolve) => setImmediate(resolve));
  await s.close();
  assert.deepEqual(await heldForSession(mosquitto.url, 'bridge-window', c, 2), []);
});

test('MQTT 5: uplink acknowledged after the ingest, commands carry expiry, response topic and correlation data', async (t) => {
  const mosquitto = await startMosquitto(t);
  const r = recordingIngest(false);
  const up = await open({ url: mosquitto.url, protocolVersion: 5, clientId: 'bridge-v5', ingest: r.ingest });
  const c = await car(t, mosquitto.url, 3, { protocolVersion: 5 });
  await c.publishAsync(telemetry(3), 'v5', { qos: 1 });
  await waitFor(() => r.seen.includes('v5'), { timeoutMs: 10_000, what: 'the v5 message' });
  await new Promise((resolve) => setImmediate(resolve));
  await up.close();
  // The MQTT 5 PUBACK was taken: the session (kept by its expiry interval) holds nothing.
  assert.deepEqual(await heldForSession(mosquitto.url, 'bridge-v5', c, 3, 5), []);

  const s = await source(t, { url: mosquitto.url, protocolVersion: 5, shareGroup: 'v2x-bridge', ingest: recordingIngest(false).ingest });
  const vin = testVin(3);
  await c.subscribeAsync(`v2x/v1/${vin}/cmd/req`, { qos: 1 });
  const got = new Promise<mqtt.IPublishPacket>((resolve) => c.once('message', (_topic, _payload, packet) => resolve(packet)));
  await s.publisher.publish(`v2x/v1/${vin}/cmd/req`, Buffer.from('{}'), {
    qos: 1,
    messageExpirySeconds: 30,
    responseTopic: `v2x/v1/${vin}/cmd/res`,
    correlationData: Buffer.from('cmd-1'),
  });
  const packet = await got;
  assert.equal(packet.qos, 1);
  assert.equal(packet.properties?.responseTopic, `v2x/v1/${vin}/cmd/res`);
  assert.equal(packet.properties?.correlationData?.toString(), 'cmd-1');
  const expiry = packet.properties?.messageExpiryInterval ?? 0;
  assert.ok(expiry > 0 && expiry <= 30, `message expiry ${expiry}`);
});

test('after a broker restart the session reconnects, subscribes again and a command published meanwhile goes out', async (t) => {
  const mosquitto = await startMosquitto(t);
  const r = recordingIngest(false);
  const s = await source(t, { url: mosquitto.url, shareGroup: 'v2x-bridge', ingest: r.ingest });
  await mosquitto.stop();
  const published = s.publisher.publish(`v2x/v1/${testVin(4)}/cmd/req`, Buffer.from('{}'), { qos: 1 });
  await mosquitto.restart(); // no persistence: the broker forgot the session and its subscriptions
  await published;
  const c = await car(t, mosquitto.url, 4);
  // The resubscription races this car; publish until one arrives.
  let n = 0;
  await waitFor(
    async () => {
      await c.publishAsync(telemetry(4), `after-restart-${n++}`, { qos: 1 });
      return r.seen.length > 0;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: 'a message after the restart' },
  );
  assert.match(r.seen[0]!, /^after-restart-/);
});

test('two bridges in one shared group split the cars messages between them, each message once', async (t) => {
  const mosquitto = await startMosquitto(t);
  const one = recordingIngest(false);
  const two = recordingIngest(false);
  await source(t, { url: mosquitto.url, shareGroup: 'v2x-bridge', clientId: 'bridge-1', ingest: one.ingest });
  await source(t, { url: mosquitto.url, shareGroup: 'v2x-bridge', clientId: 'bridge-2', ingest: two.ingest });
  const c = await car(t, mosquitto.url, 5);
  await Promise.all(Array.from({ length: 100 }, (_, i) => c.publishAsync(telemetry(5), `s${i}`, { qos: 1 })));
  await waitFor(() => one.seen.length + two.seen.length >= 100, { timeoutMs: 10_000, what: '100 messages' });
  assert.equal(new Set([...one.seen, ...two.seen]).size, 100, 'each message once');
  assert.equal(one.seen.length + two.seen.length, 100);
  assert.ok(one.seen.length > 0 && two.seen.length > 0, `split ${one.seen.length} / ${two.seen.length}`);
});

test('bad credentials fail at once with their code; an unreachable broker fails at the connect timeout', async (t) => {
  const mosquitto = await startMosquitto(t, { users: { 'v2x-bridge': 'right' } });
  const started = Date.now();
  await assert.rejects(
    open({
      url: mosquitto.url,
      username: 'v2x-bridge',
      password: 'wrong',
      connectTimeoutMs: 20_000,
      ingest: recordingIngest(false).ingest,
    }),
    (err: unknown) => isV2xError(err) && (err.code === 'MQTT_BAD_CREDENTIALS' || err.code === 'MQTT_NOT_AUTHORIZED') && !err.retryable,
  );
  assert.ok(Date.now() - started < 10_000, 'refused before the connect timeout');
  await mosquitto.stop();
  await assert.rejects(
    open({ url: mosquitto.url, connectTimeoutMs: 1000, ingest: recordingIngest(false).ingest }),
    (err: unknown) => isV2xError(err) && err.code === 'MQTT_CONNECT_TIMEOUT',
  );
  await assert.rejects(open({ url: 'http://localhost:1', ingest: recordingIngest(false).ingest }), /scheme must be mqtt/);
});

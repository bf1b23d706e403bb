/**
 * Issue 19: no thundering herd above a configured connect rate. The backend's broker role (the
 * shipped hooks and metrics; no Kafka role runs) with mqtt.maxConnectRate, real clients:
 *  - MQTT.js cars connecting at once beyond the bucket get CONNACK 3 (server unavailable), counted
 *    as refusals with reason connect_rate and logged a line per second at most; they come in once
 *    the bucket has refilled;
 *  - the simulator's own cars (a Simulation in this process) are refused, back off and retry, and
 *    all connect;
 *  - with mqtt.maxConnectRate 0 (unlimited) nobody is refused.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { configureLogging } from '../../../core/log.js';
import { createBackend, type RunningBackend } from '../../../backend/app.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import { createBridgeMetrics } from '../../../backend/metrics/bridge-metrics.js';
import { carPassword } from '../../../protocol/credentials.js';
import { backendConfig, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { runSim, simSettings } from '../sim/helpers.js';

interface Line {
  msg: string;
  reasonClass?: string;
  suppressed?: number;
}

let captured = '';
configureLogging('info', 'json', { write: (s: string) => void (captured += s) });
const lines = (): Line[] =>
  captured
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

/** The broker role alone (no Kafka is contacted: the client is never used), on free ports. */
async function broker(t: TestContext, flags: Record<string, unknown>) {
  const config = backendConfig(['127.0.0.1:9'], { 'backend.roles': 'broker', 'log.level': 'info', ...flags });
  const metrics = createBridgeMetrics(undefined, false);
  const kafka = createKafkaClient({ brokers: config.kafka.brokers, clientId: 'connect-rate-test', client: config.kafka.client });
  const backend: RunningBackend = await createBackend({ config, kafka, metrics }).start();
  t.after(() => backend.close());
  const url = backend.broker?.tcpUrl ?? assert.fail('no broker');
  const counter = async (name: string, labels: Record<string, string>): Promise<number> => {
    const m = await metrics.registry.getSingleMetric(name)?.get();
    return (m?.values ?? []).filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
  };
  return {
    config,
    url,
    refusedForRate: () => counter('v2x_broker_refusals_total', { action: 'connect', reason: 'connect_rate' }),
    connects: (outcome: 'accepted' | 'refused') => counter('v2x_broker_connects_total', { outcome }),
  };
}

/** One MQTT.js car: resolves with the CONNACK code (0 = connected; the client is ended in t.after). */
async function connectOnce(t: TestContext, url: string, vin: string, fleetKey: string): Promise<number> {
  try {
    const c = await mqtt.connectAsync(url, {
      clientId: vin,
      username: vin,
      password: carPassword(fleetKey, vin),
      reconnectPeriod: 0,
      connectTimeout: 20_000,
    });
    t.after(() => c.endAsync(true));
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'number' ? code : -1;
  }
}

test('CONNECTs beyond mqtt.maxConnectRate get CONNACK 3, are counted and logged sparingly, and come in once the bucket refills', async (t) => {
  const b = await broker(t, { 'mqtt.maxConnectRate': 4, 'mqtt.connectBurst': 3 });
  const key = b.config.mqtt.fleetKey;
  const vins = Array.from({ length: 12 }, (_, i) => testVin(700 + i));
  captured = '';

  const t0 = performance.now();
  const codes = await Promise.all(vins.map((v) => connectOnce(t, b.url, v, key)));
  const elapsedS = (performance.now() - t0) / 1000;
  const accepted = codes.filter((c) => c === 0).length;
  const refused = vins.filter((_, i) => codes[i] === 3);
  t.diagnostic(`12 at once in ${elapsedS.toFixed(2)} s: ${accepted} accepted, ${refused.length} refused with CONNACK 3`);
  assert.deepEqual(
    codes.filter((c) => c !== 0 && c !== 3),
    [],
    'every refusal is CONNACK 3 (server unavailable)',
  );
  assert.ok(accepted >= 3, `at least the burst (3) came in (${accepted})`);
  assert.ok(accepted <= 3 + Math.ceil(elapsedS * 4), `no more than the burst and the refill (${accepted} in ${elapsedS.toFixed(2)} s)`);
  assert.ok(refused.length > 0, 'some were refused');
  assert.equal(await b.refusedForRate(), refused.length, 'counted as refusals with reason connect_rate');

  // each refused car tries again (a poll with a deadline, like a car's backoff) and gets in once tokens are back
  let retries = 0;
  for (const vin of refused) {
    await waitFor(
      async () => {
        const code = await connectOnce(t, b.url, vin, key);
        if (code !== 0) {
          assert.equal(code, 3, 'a retry too early is refused the same way');
          retries++;
        }
        return code === 0;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `${vin} connected after the bucket refilled` },
    );
  }
  t.diagnostic(`the ${refused.length} refused cars came in (${retries} early retries refused again)`);
  assert.equal(await b.connects('accepted'), vins.length);
  const totalRefused = await b.refusedForRate();
  assert.equal(totalRefused, refused.length + retries);
  assert.equal(await b.connects('refused'), totalRefused);

  // logged: one line per second at most, the others counted as suppressed (flushed at the interval's end)
  const logged = (): { lines: number; total: number } => {
    const mine = lines().filter((l) => l.reasonClass === 'connect_rate');
    return { lines: mine.length, total: mine.reduce((n, l) => n + (l.msg === 'refused' ? 1 : 0) + (l.suppressed ?? 0), 0) };
  };
  await waitFor(() => logged().total === totalRefused, { timeoutMs: 10_000, what: 'every connect_rate refusal logged or counted' });
  const spanS = (performance.now() - t0) / 1000;
  t.diagnostic(`${totalRefused} refusals in ${logged().lines} log lines over ${spanS.toFixed(1)} s`);
  assert.ok(logged().lines <= Math.ceil(spanS) + 1, `at most a line per second (${logged().lines} in ${spanS.toFixed(1)} s)`);
});

test("the simulator's cars take CONNACK 3 as a reason to back off and retry: all connect", async (t) => {
  const b = await broker(t, { 'mqtt.maxConnectRate': 10, 'mqtt.connectBurst': 2 });
  const cars = 20;
  const sim = runSim(
    t,
    simSettings({
      broker: b.url,
      cars,
      seed: '19',
      fleetKey: b.config.mqtt.fleetKey,
      workers: 1,
      rate: 0.2,
      rampRate: 1000,
      sleep: false,
      coverageHolesPerHour: 0,
      reconnectBaseMs: 200,
      reconnectMaxMs: 1000,
      reconnectJitter: 1,
      connectTimeoutS: 30,
    }),
  );
  await waitFor(async () => (await b.connects('accepted')) >= cars, { timeoutMs: 60_000, what: `${cars} simulated cars accepted` });
  const summary = await sim.stop();
  t.diagnostic(
    `attempts ${summary.connections.attempts}, connects ${summary.connections.connects}, errors ${JSON.stringify(summary.errors)}`,
  );
  assert.equal(summary.connectedOnce, cars, 'every car connected');
  assert.ok((summary.errors['MQTT_SERVER_UNAVAILABLE'] ?? 0) > 0, 'some attempts were refused as server unavailable');
  assert.equal(
    summary.errors['MQTT_SERVER_UNAVAILABLE'],
    await b.refusedForRate(),
    'the refusals the cars saw are those the broker counted',
  );
});

test('mqtt.maxConnectRate 0: 40 cars at once, none refused', async (t) => {
  const b = await broker(t, { 'mqtt.maxConnectRate': 0 });
  const vins = Array.from({ length: 40 }, (_, i) => testVin(800 + i));
  const codes = await Promise.all(vins.map((v) => connectOnce(t, b.url, v, b.config.mqtt.fleetKey)));
  assert.deepEqual(
    codes.filter((c) => c !== 0),
    [],
  );
  assert.equal(await b.refusedForRate(), 0);
  assert.equal(await b.connects('accepted'), 40);
});

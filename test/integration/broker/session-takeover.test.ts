/**
 * Issue 19, HIGH: a car could take over another car's session. Car B, with its own valid
 * credentials, connecting with car A's client id (and a persistent session) is refused with
 * "identifier rejected", by mosquitto_sub and by MQTT.js; A's queued QoS 1 command request, sent
 * while A was away, is then delivered to A when it comes back. A service account may use its own
 * username as a prefix, and nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { createCommandRequest, decodeCommandRequest, encode, kafkaTopicName } from '../../../protocol/index.js';
import { carPassword } from '../../../protocol/credentials.js';
import { waitFor } from '../../helpers/poll.js';
import { connectCar, testVin } from '../../helpers/backend.js';
import { hostPort, mosquittoClient, startBrokerBackend } from './clients.js';

const SERVICE = { username: 'ops-svc', password: 'ops-svc-secret' };

test("a car cannot take another car's session: refused with identifier rejected; the queued command reaches its car", async (t) => {
  const { config, backend, kafka, url } = await startBrokerBackend(t, SERVICE);
  const key = config.mqtt.fleetKey;
  const a = testVin(101);
  const b = testVin(102);

  const producer = await kafka.producer();
  t.after(() => producer.close());
  const commands = kafkaTopicName('commands', config.bridge.topicPrefix);
  const command = (type: 'flash_lights' | 'honk') =>
    createCommandRequest({ commandId: randomUUID(), vin: a, type, params: {}, issuedAt: Date.now(), ttlMs: 120_000 });

  const publishedCount = async (): Promise<number> =>
    Number(
      /commands_published_total\{[^}]*\} (\d+)/.exec(
        await backend.metrics.registry.getSingleMetricAsString('v2x_bridge_commands_published_total'),
      )?.[1] ?? 0,
    );

  // A: a persistent session subscribed to its commands. Commands while it is online, until one
  // arrives, show the bridge's command consumer is running (it starts at the latest offsets).
  const first = await connectCar(t, url, a, key, { clean: false });
  await first.subscribeAsync(`v2x/v1/${a}/cmd/req`, { qos: 1 });
  let online = false;
  first.once('message', () => (online = true));
  await waitFor(
    async () => {
      if (!online) await producer.send([{ topic: commands, key: a, value: encode('commandRequest', command('flash_lights')) }]);
      return online;
    },
    { timeoutMs: 60_000, intervalMs: 2000, what: 'a command reaching car A while it is online' },
  );
  await first.endAsync();

  // A command for A while it is away: the broker queues it in A's session.
  const before = await publishedCount();
  const honk = command('honk');
  await producer.send([{ topic: commands, key: a, value: encode('commandRequest', honk) }]);
  await waitFor(async () => (await publishedCount()) > before, {
    timeoutMs: 30_000,
    what: 'the bridge publishing the command to the broker',
  });

  // B, with B's own valid credentials and A's client id: mosquitto_sub (persistent session) is refused.
  const sub = await mosquittoClient('mosquitto_sub', [
    ...hostPort(url),
    '-V',
    'mqttv311',
    '-i',
    a,
    '-c',
    '-q',
    '1',
    '-u',
    b,
    '-P',
    carPassword(key, b),
    '-t',
    `v2x/v1/${b}/cmd/req`,
    '-C',
    '1',
    '-W',
    '10',
  ]);
  assert.notEqual(sub.code, 0, `mosquitto_sub must fail; stdout: ${sub.stdout}`);
  assert.match(sub.stderr, /identifier rejected/i);
  assert.equal(sub.stdout, '', 'B received nothing');

  // the same with MQTT.js, and with an empty client id (the broker would make one up)
  await assert.rejects(
    mqtt.connectAsync(url, { clientId: a, clean: false, username: b, password: carPassword(key, b), reconnectPeriod: 0 }),
    /Identifier rejected/i,
  );
  await assert.rejects(
    mqtt.connectAsync(url, { clientId: '', clean: true, username: b, password: carPassword(key, b), reconnectPeriod: 0 }),
    /Identifier rejected/i,
  );

  // A comes back to its session and gets its command.
  // (listening before the CONNACK: the broker sends the queued message right after it)
  const back = mqtt.connect(url, { clientId: a, username: a, password: carPassword(key, a), clean: false, reconnectPeriod: 0 });
  t.after(() => back.endAsync(true));
  const got = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the queued command did not reach car A')), 30_000);
    back.on('message', (_topic, payload) => {
      // a warm-up command still in flight when A left may come first
      if (decodeCommandRequest(payload).commandId !== honk.commandId) return;
      clearTimeout(timer);
      resolve(payload);
    });
  });
  assert.equal(decodeCommandRequest(await got).commandId, honk.commandId);

  // Service accounts: their username, or their username as a prefix; not a car's VIN.
  const svc = await mqtt.connectAsync(url, { clientId: `${SERVICE.username}-probe`, ...SERVICE, reconnectPeriod: 0 });
  t.after(() => svc.endAsync(true));
  await assert.rejects(mqtt.connectAsync(url, { clientId: b, ...SERVICE, reconnectPeriod: 0 }), /Identifier rejected/i);

  const refusals = await backend.metrics.registry.getSingleMetricAsString('v2x_broker_refusals_total');
  assert.match(refusals, /action="connect",reason="client_id"} 4/);
});

/**
 * Authentication and ACL of the embedded broker: a car using another car's credentials, publishing
 * to another VIN's topic, or subscribing to another car's commands is refused; others carry on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { encode, kafkaTopicName, protocolExamples } from '../../../protocol/index.js';
import { carPassword } from '../../../protocol/credentials.js';
import { collect, connectCar, startBackendOnTestKafka, testVin } from '../../helpers/backend.js';

test('the broker refuses borrowed credentials, foreign topics and foreign subscriptions, and counts them', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t);
  const url = backend.broker!.tcpUrl;
  const telemetry = await collect(t, kafka, kafkaTopicName('telemetry', config.bridge.topicPrefix));
  const alice = testVin(1);
  const bob = testVin(2);
  const base = protocolExamples.telemetryExamples[0]!;

  // 1. Bob's username with Alice's password, and no password at all: CONNACK "bad username or password".
  await assert.rejects(
    mqtt.connectAsync(url, { clientId: bob, username: bob, password: carPassword(config.mqtt.fleetKey, alice), reconnectPeriod: 0 }),
    /Bad username or password/i,
  );
  await assert.rejects(mqtt.connectAsync(url, { clientId: bob, username: bob, reconnectPeriod: 0 }), /Bad username or password/i);

  // 2. Alice publishing on Bob's topic: her connection is closed, nothing reaches Kafka.
  const bystander = await connectCar(t, url, testVin(3), config.mqtt.fleetKey);
  const aliceClient = await connectCar(t, url, alice, config.mqtt.fleetKey);
  const closed = new Promise<void>((resolve) => aliceClient.once('close', () => resolve()));
  aliceClient.publish(`v2x/v1/${bob}/telemetry`, encode('telemetry', { ...base, vin: bob, seq: 1, ts: Date.now() }), { qos: 1 });
  await closed;

  // 3. Subscribing to another car's commands: SUBACK with the failure code, connection kept.
  const carol = await connectCar(t, url, testVin(4), config.mqtt.fleetKey);
  // mqtt.js turns a SUBACK failure code (0x80) into this error
  await assert.rejects(carol.subscribeAsync(`v2x/v1/${bob}/cmd/req`, { qos: 1 }), /Subscribe error/, 'subscription refused');
  await assert.rejects(carol.subscribeAsync('v2x/v1/+/cmd/req', { qos: 1 }), /Subscribe error/, 'wildcards refused to cars');
  const own = await carol.subscribeAsync(`v2x/v1/${testVin(4)}/cmd/req`, { qos: 1 });
  assert.equal(own[0]?.qos, 1, 'own command topic granted, on the same connection');
  assert.equal(carol.connected, true);

  // The bystander was not disturbed: its message goes through.
  const vin3 = testVin(3);
  await bystander.publishAsync(`v2x/v1/${vin3}/telemetry`, encode('telemetry', { ...base, vin: vin3, seq: 0, ts: Date.now() }), { qos: 1 });
  await telemetry.until(1);
  assert.deepEqual(
    telemetry.records.map((r) => r.key),
    [vin3],
    'only the bystander reached Kafka',
  );

  const refusals = await backend.metrics.registry.getSingleMetricAsString('v2x_broker_refusals_total');
  assert.match(refusals, /action="connect",reason="bad_password"} 2/);
  assert.match(refusals, /action="publish",reason="acl"} 1/);
  assert.match(refusals, /action="subscribe",reason="acl"} 2/);
});

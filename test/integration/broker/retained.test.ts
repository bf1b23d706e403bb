/**
 * Issue 19: cars could set retained messages on their own telemetry and events topics. A car
 * publishing retained telemetry and events with mosquitto_pub -r: the messages flow (to Kafka and
 * to subscribers) but are not retained; a new subscriber (a service account, MQTT.js) gets the
 * car's retained status, which stays retained by design, and no retained telemetry or event.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { encode, kafkaTopicName, protocolExamples } from '../../../protocol/index.js';
import { carPassword } from '../../../protocol/credentials.js';
import { collect, testVin } from '../../helpers/backend.js';
import { hostPort, mosquittoClient, startBrokerBackend } from './clients.js';

const SERVICE = { username: 'watcher', password: 'watcher-secret' };

test('a car cannot retain its telemetry or events; its status stays retained', async (t) => {
  const { config, backend, kafka, url } = await startBrokerBackend(t, SERVICE);
  const telemetryTopic = await collect(t, kafka, kafkaTopicName('telemetry', config.bridge.topicPrefix));
  const vin = testVin(301);
  const ex = protocolExamples;
  const pubRetained = async (kind: string, payload: Buffer): Promise<void> => {
    const run = await mosquittoClient('mosquitto_pub', [
      ...hostPort(url),
      ...['-i', vin, '-u', vin, '-P', carPassword(config.mqtt.fleetKey, vin), '-q', '1', '-r'],
      ...['-t', `v2x/v1/${vin}/${kind}`, '-m', payload.toString()],
    ]);
    assert.equal(run.code, 0, run.stderr);
  };
  const now = Date.now();
  await pubRetained('telemetry', encode('telemetry', { ...ex.telemetryExamples[0]!, vin, seq: 1, ts: now }));
  await pubRetained('events', encode('event', { ...ex.eventExamples[0]!, vin, ts: now }));
  await pubRetained('status', encode('status', { ...ex.statusExamples[0]!, vin, ts: now }));
  await telemetryTopic.until(1);
  assert.equal(telemetryTopic.records.length, 1, 'the telemetry itself still reaches Kafka');

  // A new subscriber to all three topics: the status arrives retained. Then a live telemetry message
  // from the car: a retained one would have come before it, on the same connection.
  const watcher = await mqtt.connectAsync(url, { clientId: `${SERVICE.username}-1`, ...SERVICE, reconnectPeriod: 0 });
  t.after(() => watcher.endAsync(true));
  const got: { topic: string; retain: boolean; seq?: number }[] = [];
  const live = new Promise<void>((resolve) =>
    watcher.on('message', (topic, payload, packet) => {
      const body = JSON.parse(payload.toString()) as { seq?: number };
      got.push({ topic, retain: packet.retain, ...(body.seq === undefined ? {} : { seq: body.seq }) });
      if (body.seq === 2) resolve();
    }),
  );
  await watcher.subscribeAsync(
    ['telemetry', 'events', 'status'].map((k) => `v2x/v1/${vin}/${k}`),
    { qos: 1 },
  );
  const car = await mqtt.connectAsync(url, {
    clientId: vin,
    username: vin,
    password: carPassword(config.mqtt.fleetKey, vin),
    reconnectPeriod: 0,
  });
  t.after(() => car.endAsync(true));
  await car.publishAsync(`v2x/v1/${vin}/telemetry`, encode('telemetry', { ...ex.telemetryExamples[0]!, vin, seq: 2, ts: Date.now() }), {
    qos: 1,
  });
  await live;

  assert.deepEqual(
    got.filter((m) => m.retain).map((m) => m.topic),
    [`v2x/v1/${vin}/status`],
    'only the status is retained',
  );
  assert.deepEqual(
    got.filter((m) => m.topic.endsWith('/telemetry')).map((m) => m.seq),
    [2],
    'no retained telemetry, only the live message',
  );
  assert.equal(got.filter((m) => m.topic.endsWith('/events')).length, 0, 'no retained event');
  const refusals = await backend.metrics.registry.getSingleMetricAsString('v2x_broker_refusals_total');
  assert.match(refusals, /action="publish",reason="retain"} 2/);
});

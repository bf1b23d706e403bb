/**
 * Kafka -> MQTT: command requests on the commands topic reach the car's command topic at QoS 1
 * (over TCP and over WebSocket); an expired one is not sent; a malformed one is dead-lettered;
 * and /metrics shows it all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import {
  createCommandRequest,
  decodeCommandRequest,
  encode,
  kafkaTopicName,
  type CommandRequest,
  type DeadLetter,
} from '../../../protocol/index.js';
import { collect, connectCar, startBackendOnTestKafka, testVin } from '../../helpers/backend.js';

function nextMessage(client: MqttClient, timeoutMs = 30_000): Promise<{ topic: string; payload: Buffer; qos: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no command arrived in time')), timeoutMs);
    client.once('message', (topic, payload, packet) => {
      clearTimeout(timer);
      resolve({ topic, payload, qos: packet.qos });
    });
  });
}

test('command requests from Kafka reach the car over TCP and WebSocket; expired ones are not sent; malformed ones are dead-lettered', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t);
  const tcpVin = testVin(7);
  const wsVin = testVin(8);
  const tcpCar = await connectCar(t, backend.broker!.tcpUrl, tcpVin, config.mqtt.fleetKey);
  const wsCar = await connectCar(t, backend.broker!.wsUrl, wsVin, config.mqtt.fleetKey);
  await tcpCar.subscribeAsync(`v2x/v1/${tcpVin}/cmd/req`, { qos: 1 });
  await wsCar.subscribeAsync(`v2x/v1/${wsVin}/cmd/req`, { qos: 1 });
  const dead = await collect(t, kafka, kafkaTopicName('deadletter', config.bridge.topicPrefix));

  const producer = await kafka.producer();
  t.after(() => producer.close());
  const topic = kafkaTopicName('commands', config.bridge.topicPrefix);
  const now = Date.now();
  const cmd = (vin: string, ttlMs: number, issuedAt = now): CommandRequest =>
    createCommandRequest({ commandId: randomUUID(), vin, type: 'unlock', params: {}, issuedAt, ttlMs });

  const expired = cmd(tcpVin, 1000, now - 60_000);
  const live = cmd(tcpVin, 60_000);
  const overWs = cmd(wsVin, 60_000);
  const gotTcp = nextMessage(tcpCar);
  const gotWs = nextMessage(wsCar);
  await producer.send([
    { topic, key: tcpVin, value: encode('commandRequest', expired) },
    { topic, key: tcpVin, value: encode('commandRequest', live) },
    { topic, key: wsVin, value: encode('commandRequest', overWs, 'binary') },
    { topic, key: wsVin, value: Buffer.from('{"not":"a command"}') },
  ]);

  const tcp = await gotTcp;
  assert.equal(tcp.topic, `v2x/v1/${tcpVin}/cmd/req`);
  assert.equal(tcp.qos, 1);
  assert.equal(decodeCommandRequest(tcp.payload).commandId, live.commandId, 'the expired command was skipped, the live one sent');
  const ws = await gotWs;
  assert.equal(decodeCommandRequest(ws.payload).commandId, overWs.commandId);

  await dead.until(1);
  const letter = JSON.parse(dead.records[0]!.value!.toString()) as DeadLetter;
  assert.equal(letter.source, `kafka:${topic}`);
  assert.match(letter.reason, /^PAYLOAD_/);

  const res = await fetch(`${backend.httpUrl}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /v2x_bridge_commands_published_total\{result="published"\} 2/);
  assert.match(text, /v2x_bridge_commands_published_total\{result="expired"\} 1/);
  assert.match(text, /v2x_bridge_commands_published_total\{result="invalid"\} 1/);
  assert.match(text, /v2x_broker_connected_clients 2/);
  const health = (await (await fetch(`${backend.httpUrl}/health`)).json()) as { status: string; clients: number };
  assert.equal(health.status, 'ok');
  assert.equal(health.clients, 2);
});
